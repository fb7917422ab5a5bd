"""The public list at a million reports: filtered by kecamatan and status from one index, searched by words
without reading every match.

- report_kecamatan_status_recent gains is_confidential as its last column, so that a page and its capped
  count by kecamatan and status read the index alone.
- SQLite's search index is rebuilt with FTS5 prefix indexes for beginnings of one to three letters, and gets
  its table of words (fts5vocab) for longer ones (`balai.lapor.search.fts5_query_named`). Rebuilding reads
  every public report once: about half a minute per million reports. PostgreSQL's index is left as it is.
"""

from django.db import migrations, models


def rebuild_sqlite_search(apps, schema_editor):
    from balai.lapor.search import install, uninstall

    if schema_editor.connection.vendor == "sqlite":
        uninstall(schema_editor.connection)
        install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("lapor", "0005_duplicate_place_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="report",
            name="report_kecamatan_status_recent",
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["kecamatan", "status", "-created_at", "is_confidential"], name="report_kecamatan_status_recent"
            ),
        ),
        # Back: the index stays (its prefix indexes do not change what is found).
        migrations.RunPython(rebuild_sqlite_search, migrations.RunPython.noop, elidable=False),
    ]
