"""Reports count the photos a coordinator hid, so public lists and the API count only what the public sees."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models import Count


def count_hidden_photos(apps: Any, schema_editor: Any) -> None:
    # Only reports with a hidden photo need a figure other than the default 0: few, found through the photos.
    ReportPhoto = apps.get_model("lapor", "ReportPhoto")
    Report = apps.get_model("lapor", "Report")
    hidden = ReportPhoto.objects.filter(is_hidden=True).values("report_id").annotate(n=Count("id"))
    for row in hidden.iterator():
        Report.objects.filter(pk=row["report_id"]).update(hidden_photo_count=row["n"])


class Migration(migrations.Migration):
    dependencies = [
        ("lapor", "0014_reportevent_sentences_to_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="hidden_photo_count",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="hidden photos"),
        ),
        migrations.RunPython(count_hidden_photos, migrations.RunPython.noop, elidable=True),
    ]
