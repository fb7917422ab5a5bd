"""Publication after verification: a report's `published_at`, photos a coordinator hides, and the search index
rebuilt to hold published reports only.

Every report that exists when this runs was public the moment it was sent (Balai published on arrival until
now), so each one is marked published at its arrival: nothing that was public disappears (its links, the feeds
and open-data copies people already took keep pointing at something), the command center's public figures stay
what they were without a rebuild, and only reports sent from now on wait for a coordinator (the Pemda's new
`publish_reports` setting, "after verification" by default). Rahasia and archived reports get the mark too; they
stay hidden by their own rule.

The backfill is one UPDATE of the reports table (about a minute per million reports on SQLite); the search index
is rebuilt from scratch, as `balai.lapor.search` requires when what it indexes changes.
"""

from django.db import migrations, models


def publish_existing_reports(apps, schema_editor):
    Report = apps.get_model("lapor", "Report")
    Report.objects.using(schema_editor.connection.alias).filter(published_at__isnull=True).update(
        published_at=models.F("created_at")
    )


def remove_search(apps, schema_editor):
    from balai.lapor.search import uninstall

    uninstall(schema_editor.connection)


def rebuild_search(apps, schema_editor):
    from balai.lapor.search import install, uninstall

    uninstall(schema_editor.connection)
    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("lapor", "0008_report_submission_browser_pending_photo_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published at"),
        ),
        migrations.AddField(
            model_name="reportphoto",
            name="is_hidden",
            field=models.BooleanField(default=False, verbose_name="hidden from the public"),
        ),
        migrations.RunPython(publish_existing_reports, migrations.RunPython.noop, elidable=False),
        # Back: the index goes (its triggers read `published_at`); migrating forward again rebuilds it.
        migrations.RunPython(rebuild_search, remove_search, elidable=False),
    ]
