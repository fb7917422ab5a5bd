"""The portal's newest-pages index, and the full-text index of the cross-site search (balai/situs/search.py)."""

from typing import Any

from django.db import migrations, models

from balai.core.migration_ops import AddIndexConcurrently, RemoveIndexConcurrently

FTS_TABLE = "situs_page_fts"
GIN_NAME = "situs_page_fts_gin"


def _gin_index() -> Any:
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    # The same expression as balai.situs.search.search_vector(), or the planner would not use it.
    return GinIndex(SearchVector("title", "summary", config="simple"), name=GIN_NAME)


def add_search_index(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("situs", "Page"), _gin_index())
    elif vendor == "sqlite":
        # Our own copy of the published pages' words (not an external-content table: a later table rebuild by a
        # migration would drop triggers silently). Kept by the services; 'unicode61 remove_diacritics 0' folds
        # case and splits on anything but letters and digits, as PostgreSQL's 'simple' configuration does.
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, summary, "
            "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')"
        )
        schema_editor.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE}_words USING fts5vocab({FTS_TABLE}, 'row')")
        schema_editor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, summary) SELECT id, title, summary FROM situs_page"
            " WHERE status = 'published' ORDER BY id"
        )


def remove_search_index(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("situs", "Page"), _gin_index())
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}_words")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    # The new index is built before the old one goes, both concurrently on PostgreSQL (balai.core.migration_ops).
    atomic = False
    dependencies = [
        ("situs", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="page",
            index=models.Index(fields=["status", "-published_at", "-id"], name="situs_page_newest"),
        ),
        RemoveIndexConcurrently(model_name="page", name="situs_page_public"),
        migrations.RunPython(add_search_index, remove_search_index),
    ]
