"""English versions of a page (optional `<field>_en` beside each text field) and a published page's draft (the
changes that wait for a publisher). Word search reads both languages: PostgreSQL's GIN index is made again over
title, summary and their English (concurrently: the page table grows); SQLite's FTS5 table keeps its columns and
is filled again with both languages in them (balai/situs/search.py)."""

from typing import Any

from django.db import migrations, models

OLD, NEW = "situs_page_fts_words_gin", "situs_page_fts_both_gin"


def _index(name: str, fields: tuple[str, ...]) -> Any:
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Func, TextField, Value
    from django.db.models.functions import Concat

    parts: list[Any] = []
    for field in fields:
        parts += [field, Value(" ")]
    # The same expression as balai.situs.search.search_vector(), or the planner would not use it.
    text = Func(
        Concat(*parts[:-1], output_field=TextField()),
        Value(r"[^[:alnum:]]+"),
        Value(" "),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=TextField(),
    )
    return GinIndex(SearchVector(text, config="simple"), name=name)


BEFORE = ("title", "summary")
AFTER = ("title", "summary", "title_en", "summary_en")


def _swap(apps: Any, schema_editor: Any, drop: Any, make: Any) -> None:
    page = apps.get_model("situs", "Page")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop.remove_sql(page, schema_editor, concurrently=True))
        schema_editor.execute(make.create_sql(page, schema_editor, concurrently=True))
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DELETE FROM situs_page_fts")
        schema_editor.execute(
            "INSERT INTO situs_page_fts (rowid, title, summary) SELECT id, title || ' ' || title_en,"
            " summary || ' ' || summary_en FROM situs_page WHERE status = 'published' ORDER BY id"
        )


def forwards(apps: Any, schema_editor: Any) -> None:
    _swap(apps, schema_editor, _index(OLD, BEFORE), _index(NEW, AFTER))


def backwards(apps: Any, schema_editor: Any) -> None:
    _swap(apps, schema_editor, _index(NEW, AFTER), _index(OLD, BEFORE))


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY on PostgreSQL

    dependencies = [
        ('situs', '0004_search_words_alike'),
    ]

    operations = [
        migrations.AddField(
            model_name='page',
            name='body_en',
            field=models.TextField(blank=True, verbose_name='text (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='complaint_channel_en',
            field=models.TextField(blank=True, verbose_name='complaints (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='cost_en',
            field=models.CharField(blank=True, max_length=120, verbose_name='cost (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='draft',
            field=models.JSONField(blank=True, default=None, null=True),
        ),
        migrations.AddField(
            model_name='page',
            name='duration_en',
            field=models.CharField(blank=True, max_length=120, verbose_name='time to complete (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='procedure_en',
            field=models.TextField(blank=True, verbose_name='procedure (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='product_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='product (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='requirements_en',
            field=models.TextField(blank=True, verbose_name='requirements (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='summary_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='summary (English)'),
        ),
        migrations.AddField(
            model_name='page',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='title (English)'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
