"""Index changes that do not stop writes to a big table: CONCURRENTLY on PostgreSQL, a plain index on SQLite.

A plain CREATE INDEX or DROP INDEX holds a lock that blocks every insert and update of the table until it is done:
minutes for a million reports, while citizens cannot send one. The concurrent forms do not block writes, but
cannot run inside a transaction, so a migration that uses these operations sets `atomic = False`:

    from balai.core.migration_ops import AddIndexConcurrently

    class Migration(migrations.Migration):
        atomic = False
        dependencies = [("lapor", "0006_public_list_indexes")]
        operations = [AddIndexConcurrently("report", models.Index(fields=["status", "updated_at"], name="..."))]

tests/core/test_migration_rules.py holds every new migration of a table that grows with use to this (see
`grows_with_use`; docs/development.md, "Migrations on big tables").
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres import operations as postgres
from django.db import migrations


def grows_with_use(model: type[Any]) -> bool:
    """Whether the model's table grows as Balai is used, so that its indexes change only concurrently.

    Every model does unless it says otherwise with a class attribute `grows_with_use = False` (a table whose size
    does not depend on use: the Pemda, its units, the wilayah). Forgetting to say so costs only `atomic = False`.
    """
    return bool(getattr(model, "grows_with_use", True))


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    """AddIndex that builds the index with CREATE INDEX CONCURRENTLY on PostgreSQL; a plain AddIndex elsewhere."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        # The same rule on SQLite, so that a migration that would fail on PostgreSQL fails in development too.
        self._ensure_not_in_transaction(schema_editor)
        migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        self._ensure_not_in_transaction(schema_editor)
        migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrently(postgres.RemoveIndexConcurrently):
    """RemoveIndex that drops the index with DROP INDEX CONCURRENTLY on PostgreSQL; a plain RemoveIndex elsewhere."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        self._ensure_not_in_transaction(schema_editor)
        migrations.RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        self._ensure_not_in_transaction(schema_editor)
        migrations.RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
