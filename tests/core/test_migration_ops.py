"""balai.core.migration_ops on the real database: CONCURRENTLY on PostgreSQL, a plain index on SQLite, never in a
transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import NotSupportedError, connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.test.utils import CaptureQueriesContext

from balai.core.migration_ops import AddIndexConcurrently, RemoveIndexConcurrently

NAME = "report_probe_concurrent"


def _migration(*operations: Any, atomic: bool) -> migrations.Migration:
    made = type("Migration", (migrations.Migration,), {"atomic": atomic, "operations": list(operations)})
    return made("9999_probe", "lapor")


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "lapor_report"))


def _apply(migration: migrations.Migration, state: ProjectState, *, backwards: bool = False) -> tuple[Any, list[str]]:
    """Run the migration as `migrate` does; return the state after it and the SQL that named the probe index."""
    with CaptureQueriesContext(connection) as queries, connection.schema_editor(atomic=migration.atomic) as editor:
        after = (migration.unapply if backwards else migration.apply)(state, editor)
    return after, [query["sql"] for query in queries.captured_queries if NAME in query["sql"]]


def _expected(statement: str) -> str:
    return f"{statement} CONCURRENTLY" if connection.vendor == "postgresql" else statement


@pytest.mark.django_db(transaction=True)
def test_a_non_atomic_migration_adds_and_removes_an_index_concurrently_on_postgresql():
    today = MigrationLoader(connection).project_state()
    index = models.Index(fields=["status", "updated_at"], name=NAME)
    add = _migration(AddIndexConcurrently("report", index), atomic=False)
    try:
        with_index, created = _apply(add, today.clone())
        assert NAME in _indexes()
        assert len(created) == 1
        assert created[0].startswith(_expected("CREATE INDEX"))

        remove = _migration(RemoveIndexConcurrently("report", NAME), atomic=False)
        _, dropped = _apply(remove, with_index.clone())
        assert NAME not in _indexes()
        assert dropped[0].startswith(_expected("DROP INDEX"))

        # And back: migrate backwards through both.
        _, recreated = _apply(remove, with_index.clone(), backwards=True)
        assert NAME in _indexes()
        assert recreated[0].startswith(_expected("CREATE INDEX"))
        _, dropped_again = _apply(add, today.clone(), backwards=True)
        assert NAME not in _indexes()
        assert dropped_again[0].startswith(_expected("DROP INDEX"))
    finally:
        if NAME in _indexes():
            with connection.schema_editor(atomic=False) as editor:
                editor.execute(f"DROP INDEX {editor.quote_name(NAME)}")


@pytest.mark.django_db(transaction=True)
def test_in_an_atomic_migration_they_refuse_on_both_databases():
    today = MigrationLoader(connection).project_state()
    index = models.Index(fields=["status", "updated_at"], name=NAME)

    with pytest.raises(NotSupportedError, match=r"cannot be executed inside a transaction \(set atomic = False"):
        _apply(_migration(AddIndexConcurrently("report", index), atomic=True), today.clone())
    with pytest.raises(NotSupportedError, match=r"cannot be executed inside a transaction"):
        _apply(_migration(RemoveIndexConcurrently("report", "report_public_recent"), atomic=True), today.clone())

    assert NAME not in _indexes()
    assert "report_public_recent" in _indexes()
