"""The public register reads its index `ppid_req_register` (not private, not withheld, by notice date) for its page
and counts itself along that index alone, whatever the number of requests. Written `is_private=False`, Django's
SQL is `NOT is_private`, which SQLite cannot match to an index column: it read and sorted every request (the
register's p95 grew 6.5× from 1,000 to 100,000 requests)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.ppid.selectors import register_public

pytestmark = pytest.mark.django_db


def _plan(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")  # a handful of test rows: ask what it would do at size
        cursor.execute(f"EXPLAIN {sql}", params or None)
        plan = " | ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
        return plan


def test_the_register_page_and_its_count_read_the_register_index(city: Any) -> None:
    listed, params = register_public()[:25].query.sql_with_params()
    with CaptureQueriesContext(connection) as captured:
        register_public().count()
    counting = captured[-1]["sql"]
    page_plan, count_plan = _plan(listed, params), _plan(counting, ())
    if connection.vendor == "sqlite":
        assert "INDEX ppid_req_register (is_private=? AND withheld=?" in page_plan, page_plan
        assert "TEMP B-TREE" not in page_plan, page_plan
        assert "COVERING INDEX ppid_req_register" in count_plan, count_plan
    else:
        assert "ppid_req_register" in page_plan and "Sort" not in page_plan.split(" | ")[0], page_plan
        assert "ppid_req_register" in count_plan, count_plan
