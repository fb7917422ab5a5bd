"""The public list by kecamatan and status reads its page ids and capped count from one index again: the
(kecamatan, status, created_at, is_confidential) index gains published_at, which `Report.objects.public()` asks
since lapor 0007. The new index is built before the old one goes, both concurrently on PostgreSQL, so the list
is never without one."""

from django.db import migrations, models

from balai.core.migration_ops import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("lapor", "0009_report_publication"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="report",
            index=models.Index(
                fields=["kecamatan", "status", "-created_at", "is_confidential", "published_at"],
                name="report_kecamatan_status_public",
            ),
        ),
        RemoveIndexConcurrently(model_name="report", name="report_kecamatan_status_recent"),
    ]
