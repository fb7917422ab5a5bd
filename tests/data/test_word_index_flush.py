"""`flush` (a restore into a used database, the end of a transactional test) empties every table Django knows, but
not SQLite's word index: the index forgets the datasets that are gone, so a search never counts ghosts and the
integrity check stays clean."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from balai.data import search

from .conftest import published_dataset

pytestmark = pytest.mark.django_db


def indexed() -> int:
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")  # noqa: S608 - a constant
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its GIN index with the table")
def test_after_flush_the_index_holds_no_dataset_that_is_gone(officer_dinkes: Any, walidata: Any) -> None:
    published_dataset(officer_dinkes, walidata)
    assert indexed() == 1 and search.index_problems() == []

    call_command("flush", interactive=False, verbosity=0)

    assert indexed() == 0 and search.index_problems() == []
