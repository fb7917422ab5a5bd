"""Migrations change the indexes of big tables only concurrently (docs/development.md, "Migrations on big tables").

A plain CREATE INDEX or DROP INDEX blocks every write to the table while it runs: minutes for a million reports.
Every migration of every Balai app is read here; an index added or removed on a table that grows with use (every
model unless it sets `grows_with_use = False`) must go through balai.core.migration_ops in a migration with
`atomic = False`. Indexes of a table created in the same migration are free: the table is still empty.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from balai.core import migration_ops
from balai.core.migration_ops import grows_with_use

# Written before the rule. Only these may keep their plain index changes; every later migration is held to it.
GRANDFATHERED = {
    ("core", "0005_audit_actor_recent"),
    ("dasbor", "0005_covering_indexes"),
    ("lapor", "0002_questions_api"),
    ("lapor", "0003_scale_search_indexes"),
    ("lapor", "0004_inbox_deadline_indexes"),
    ("lapor", "0005_duplicate_place_indexes"),
    ("lapor", "0006_public_list_indexes"),
}

# The tables the rule was written for: none of them may opt out.
GROWING = [
    "lapor.Report",
    "lapor.ReportEvent",
    "lapor.ReportPhoto",
    "lapor.PendingPhoto",
    "lapor.ReportAttachment",
    "lapor.NotificationLog",
    "core.AuditEvent",
    "api.EmailMessageLog",
    "api.IdempotencyRecord",
    "dasbor.StatCell",
    "dasbor.DurationCell",
    "dasbor.PlaceCell",
    "dasbor.RollupCell",
    "dasbor.BacklogCell",
]
CONCURRENT = (migration_ops.AddIndexConcurrently, migration_ops.RemoveIndexConcurrently)


def _balai_migrations() -> dict[tuple[str, str], tuple[Any, ProjectState]]:
    """Every migration of every Balai app, with the state of the models just before it."""
    labels = {config.label for config in apps.get_app_configs() if config.name.startswith("balai.")}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        key: (migration, loader.project_state(key, at_end=False))
        for key, migration in sorted(loader.disk_migrations.items())
        if key[0] in labels
    }


def _model_grows(app_label: str, model_name: str) -> bool:
    try:
        return grows_with_use(apps.get_model(app_label, model_name))
    except LookupError:  # deleted since: hold it to the rule all the same
        return True


def _database_operations(operations: list[Any]) -> list[Any]:
    flat = []
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            flat.extend(_database_operations(operation.database_operations))
        else:
            flat.append(operation)
    return flat


def _index_change(operation: Any, app_label: str, state: ProjectState) -> str | None:
    """What plain index change the operation makes, if any: a description, or None."""
    if isinstance(operation, migrations.AddIndex | migrations.RemoveIndex | migrations.AlterIndexTogether):
        return type(operation).__name__
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if (field.db_index or field.unique) and not field.primary_key:
            return f"AddField {operation.name} with an index"
    if isinstance(operation, migrations.AlterField):
        before = state.models[app_label, operation.model_name_lower].fields[operation.name]
        after = operation.field
        if (before.db_index, before.unique) != (after.db_index, after.unique):
            return f"AlterField {operation.name} changing its index"
    return None


def plain_index_changes(migration: Any, state: ProjectState) -> list[str]:
    """Each index change on a growing table that does not follow the rule, as "<operation> on <model>: <why>".

    `state` is the state of the models before the migration; it is moved forward operation by operation.
    """
    created: set[str] = set()
    problems = []
    for operation in migration.operations:
        for database_operation in _database_operations([operation]):
            if isinstance(database_operation, migrations.CreateModel):
                created.add(database_operation.name_lower)
                continue
            change = _index_change(database_operation, migration.app_label, state)
            model_name = getattr(database_operation, "model_name_lower", None) or getattr(
                database_operation, "name_lower", ""
            )
            if change is None or model_name in created or not _model_grows(migration.app_label, model_name):
                continue
            if not isinstance(database_operation, CONCURRENT):
                problems.append(f"{change} on {model_name}: use balai.core.migration_ops")
            elif migration.atomic:
                problems.append(f"{change} on {model_name}: the migration needs atomic = False")
        operation.state_forwards(migration.app_label, state)
    return problems


def test_no_new_migration_changes_an_index_of_a_growing_table_in_a_blocking_way():
    offending = {
        f"{app_label}.{name}": problems
        for (app_label, name), (migration, state) in _balai_migrations().items()
        if (app_label, name) not in GRANDFATHERED and (problems := plain_index_changes(migration, state))
    }

    assert offending == {}, "see docs/development.md, 'Migrations on big tables'"


def test_the_grandfathered_migrations_exist_and_still_need_the_exception():
    # A stale entry would let a new migration of the same name through unseen.
    found = _balai_migrations()

    for key in sorted(GRANDFATHERED):
        assert key in found, key
        assert plain_index_changes(*found[key]), key


def test_the_big_tables_are_held_to_the_rule_and_the_fixed_ones_may_opt_out():
    assert [name for name in GROWING if not grows_with_use(apps.get_model(name))] == []
    assert not grows_with_use(apps.get_model("core.Pemda"))


def _probe(app_label: str, *operations: Any, atomic: bool = True) -> list[str]:
    """The rule applied to a migration written today (not on disk): after every existing one."""
    migration = type("Migration", (migrations.Migration,), {"atomic": atomic, "operations": list(operations)})
    today = MigrationLoader(None, ignore_no_migrations=True).project_state()
    return plain_index_changes(migration("9999_probe", app_label), today)


def test_a_plain_index_change_on_a_growing_table_is_reported_and_the_concurrent_one_is_not():
    index = models.Index(fields=["status", "updated_at"], name="report_status_updated")
    plain = "on report: use balai.core.migration_ops"

    assert _probe("lapor", migrations.AddIndex("report", index)) == [f"AddIndex {plain}"]
    assert _probe("lapor", migrations.RemoveIndex("report", "report_public_recent")) == [f"RemoveIndex {plain}"]
    assert _probe("lapor", migration_ops.AddIndexConcurrently("report", index)) == [
        "AddIndexConcurrently on report: the migration needs atomic = False"
    ]
    assert _probe("lapor", migration_ops.AddIndexConcurrently("report", index), atomic=False) == []
    assert _probe("lapor", migration_ops.RemoveIndexConcurrently("report", "report_public_recent"), atomic=False) == []


def test_a_field_that_brings_or_loses_an_index_is_an_index_change():
    reviewer = models.ForeignKey("core.Unit", models.SET_NULL, null=True)  # foreign keys are indexed
    plain = "on report: use balai.core.migration_ops"

    assert _probe("lapor", migrations.AddField("report", "reviewer", reviewer)) == [
        f"AddField reviewer with an index {plain}"
    ]
    assert _probe("lapor", migrations.AddField("report", "note", models.TextField(blank=True))) == []
    assert _probe(
        "lapor", migrations.AlterField("report", "title", models.CharField(max_length=150, db_index=True))
    ) == [f"AlterField title changing its index {plain}"]
    assert _probe("lapor", migrations.AlterField("report", "title", models.CharField(max_length=200))) == []


def test_a_table_that_does_not_grow_and_a_table_made_in_the_same_migration_are_free():
    assert _probe("core", migrations.AddIndex("pemda", models.Index(fields=["name"], name="pemda_name"))) == []
    assert (
        _probe(
            "lapor",
            migrations.CreateModel(
                "Petition", [("id", models.BigAutoField(primary_key=True)), ("title", models.TextField())]
            ),
            migrations.AddIndex("petition", models.Index(fields=["title"], name="petition_title")),
        )
        == []
    )
