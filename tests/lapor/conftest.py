"""Shared by the lapor tests: SQLite's query planner as it sees a million reports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

# sqlite_stat1 of lapor_report in the bench's million-report database (bench/results/20261204T144721Z-full.json),
# as balai's bounded ANALYZE (analysis_limit=1000) wrote it: every index led by status, kecamatan, category or
# lead OPD looks like 1,001 reports per value. The plan tests load it so that a plan which only works with
# good statistics fails here as it did at a million.
MILLION_REPORTS_STATISTICS = {
    "report_unit_open_deadline": "51545 1001 4 1",
    "report_kecamatan_open_deadline": "58140 1001 3 1",
    "report_category_status_time": "746496 1001 1001 1",
    "report_open_deadline": "57096 13 1",
    "report_kecamatan_status_public": "1960980 1001 1001 1 1 1",
    "report_status_due": "1908816 1001 1001",
    "report_unit_due": "1767000 1001 667 4",
    "report_verify_due": "390852 1001 31",
    "report_category_recent": "2848824 1001 1",
    "report_kecamatan_recent": "3139920 1001 1",
    "report_status_recent": "3069066 1001 1",
    "report_public_recent": "3017088 1001 1",
    "lapor_report_merged_into_id_d88087fb": "1043072 1001",
    "lapor_report_api_client_id_3caefb02": "1043072 1001",
    "lapor_report_reporter_user_id_8f208d7a": "1043072 1001",
    "lapor_report_lead_unit_id_ca591b97": "1258965 1001",
    "lapor_report_kelurahan_id_9eeb26fa": "1066779 1001",
    "lapor_report_category_id_75b838ae": "1402080 1001",
}


@pytest.fixture
def million_statistics(city: Any) -> Iterator[None]:
    """SQLite plans lapor_report as if it held the bench's million reports; its own statistics come back after."""
    if connection.vendor != "sqlite":
        pytest.skip("the statistics are SQLite's; PostgreSQL keeps its own")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            cursor.execute("ANALYZE lapor_report")  # creates sqlite_stat1 (SQLite refuses a CREATE TABLE)
        cursor.execute("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'lapor_report'")
        saved = cursor.fetchall()
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'lapor_report'")
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('lapor_report', %s, %s)",
            list(MILLION_REPORTS_STATISTICS.items()),
        )
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads sqlite_stat1 again
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'lapor_report'")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", saved)
        cursor.execute("ANALYZE sqlite_schema")
