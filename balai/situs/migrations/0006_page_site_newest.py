"""A site's newest pages of several kinds in index order (its home, its news list), without sorting its pages."""

from django.db import migrations, models

from balai.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("situs", "0005_english_versions")]

    operations = [
        AddIndexConcurrently(
            model_name="page",
            index=models.Index(fields=["site", "status", "-published_at", "-id"], name="situs_page_site_newest"),
        ),
    ]
