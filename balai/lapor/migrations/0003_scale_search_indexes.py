"""Pages that stay fast at a million reports: the public full-text search index and three report indexes.

The search index (an FTS5 table on SQLite, a tsvector side table on PostgreSQL, each kept in step by
triggers) is created by `balai.lapor.search.install`, which `post_migrate` also runs to repair it; see that
module. Filling it reads every public report once: about a minute per million reports.
"""

import django.db.models.functions.comparison
from django.db import migrations, models


def install_search(apps, schema_editor):
    from balai.lapor.search import install

    install(schema_editor.connection)


def uninstall_search(apps, schema_editor):
    from balai.lapor.search import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("lapor", "0002_questions_api"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["category", "status"], name="report_category_status"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["kecamatan", "status", "-created_at"], name="report_kecamatan_status_recent"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("due_at", "verify_due_at"),
                models.F("created_at"),
                condition=models.Q(
                    ("status__in", ["diterima", "ditunda", "diverifikasi", "didisposisikan", "diproses"])
                ),
                name="report_open_deadline",
            ),
        ),
        migrations.RunPython(install_search, uninstall_search, elidable=False),
    ]
