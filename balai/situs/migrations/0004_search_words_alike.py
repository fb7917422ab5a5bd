"""PostgreSQL's search index reads the words SQLite's does: non-letters/digits become spaces before parsing
("COVID-19" is "covid" + "19" on both; balai/situs/search.py `search_text`). SQLite's FTS5 table is unchanged (its
tokenizer already splits there); nothing else changes on SQLite."""

from typing import Any

from django.db import migrations

OLD, NEW = "situs_page_fts_gin", "situs_page_fts_words_gin"


def _old() -> Any:
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("title", "summary", config="simple"), name=OLD)


def _new() -> Any:
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Func, TextField, Value
    from django.db.models.functions import Concat

    # The same expression as balai.situs.search.search_vector(), or the planner would not use it.
    text = Func(
        Concat("title", Value(" "), "summary", output_field=TextField()),
        Value(r"[^[:alnum:]]+"),
        Value(" "),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=TextField(),
    )
    return GinIndex(SearchVector(text, config="simple"), name=NEW)


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        page = apps.get_model("situs", "Page")
        schema_editor.remove_index(page, _old())
        schema_editor.add_index(page, _new())


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        page = apps.get_model("situs", "Page")
        schema_editor.remove_index(page, _new())
        schema_editor.add_index(page, _old())


class Migration(migrations.Migration):
    dependencies = [
        ("situs", "0003_officials"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
