"""The catalogue's full-text index: a column of searchable words per dataset, and the database's index over it
(a SQLite FTS5 table, or a PostgreSQL GIN index on its 'simple' tsvector), filled for the datasets already there."""

from typing import Any

from django.db import migrations, models

FTS_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS data_dataset_fts USING fts5"
    "(title, document, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
)
PG_CREATE = (
    "CREATE INDEX IF NOT EXISTS data_dataset_search ON data_dataset "
    "USING gin (to_tsvector('simple'::regconfig, search_text))"
)


def _document(dataset: Any) -> str:
    tags = dataset.tags.order_by("name").values_list("name", flat=True)
    resources = dataset.resources.order_by("position").values_list("name", flat=True)
    parts = [dataset.title, dataset.notes, dataset.name.replace("-", " "), *tags, *resources]
    return "\n".join(p for p in parts if p)


def create_index(apps: Any, schema_editor: Any) -> None:
    Dataset = apps.get_model("data", "Dataset")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    for dataset in Dataset.objects.using(schema_editor.connection.alias).order_by("pk").iterator():
        text = _document(dataset)
        Dataset.objects.filter(pk=dataset.pk).update(search_text=text)
        if vendor == "sqlite" and dataset.state == "published":
            schema_editor.execute(
                "INSERT INTO data_dataset_fts (rowid, title, document) VALUES (%s, %s, %s)",
                (dataset.pk, dataset.title, text),
            )


def drop_index(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS data_dataset_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS data_dataset_search")


class Migration(migrations.Migration):
    dependencies = [
        ("data", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search words"),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
