"""Word search in the catalogue: one full-text index, asked the same way by the CKAN API and the catalogue page.

Each dataset keeps its searchable words in `Dataset.search_text` (title, description, address name, tags and the
names of its files), written by the services on every change of any of them. The index over it is the database's
own: a SQLite FTS5 table of the published datasets (`data_dataset_fts`, kept by `index_datasets` below, which
the services call; a restore's rows are indexed by a signal) or, on PostgreSQL, a GIN index on
`to_tsvector('simple', search_text)` that PostgreSQL keeps itself. Both are made by migration 0002; `balai
integrity` compares the SQLite index with the datasets and `index_rebuild` redoes it.

A query is cut into words (letters and digits; everything else separates them, so quotes, `*`, `:`, `-` and the
FTS operators are plain text), every word must match, the last one as a prefix. The 'simple' configuration (no
Indonesian stemmer exists in PostgreSQL) and FTS5's unicode61 tokenizer agree on such words, so both databases
find the same datasets. Relevance is in two tiers: datasets whose title holds every word first, then the rest,
each the most recently added first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet, Value
from django.db.models.expressions import RawSQL

from balai.core import word_index

from .models import Dataset, Resource, State, Tag

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
MAX_WORD_LENGTH = 80
FTS_TABLE = "data_dataset_fts"
# The expression PostgreSQL's GIN index is built on (migration 0002); a query must use it unchanged.
PG_VECTOR = 'to_tsvector(\'simple\'::regconfig, "data_dataset"."search_text")'
PG_TITLE_VECTOR = 'to_tsvector(\'simple\'::regconfig, "data_dataset"."title")'
PG_MATCH = "{vector} @@ to_tsquery('simple'::regconfig, %s)"
FTS_SELECT = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 - a constant table name
FTS_TITLE = f'"data_dataset"."id" IN ({FTS_SELECT})'
FTS_COUNT = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
FTS_PAGE = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s OFFSET %s"  # noqa: S608

WORD = re.compile(r"[^\W_]+")


class QueryTooLongError(ValueError):
    pass


def words(text: str) -> list[str]:
    """The words searched for: letters and digits, lower case, at most ten of at most 80 characters."""
    return [w[:MAX_WORD_LENGTH] for w in WORD.findall(text.casefold())][:MAX_WORDS]


def document(dataset: Dataset) -> str:
    """What a dataset is found by: its title, description, address name, tags and file names."""
    tags = Tag.objects.filter(datasets=dataset).order_by("name").values_list("name", flat=True)
    resources = Resource.objects.filter(dataset=dataset).order_by("position").values_list("name", flat=True)
    parts = [dataset.title, dataset.notes, dataset.name.replace("-", " "), *tags, *resources]
    return "\n".join(p for p in parts if p)


def _last_word(word: str) -> str:
    # A prefix: FTS5 reads it from its prefix indexes for two or three letters, else merges the words it begins.
    # (Sending those words instead, read from an fts5vocab table, was measured: the vocabulary is scanned whole,
    # which costs more than the merge at 10,000 datasets.)
    return f'"{word}"*'


def _fts_match(terms: list[str], column: str, last: str | None = None) -> str:
    quoted = [f'"{w}"' for w in terms[:-1]]
    quoted.append(last if last is not None else _last_word(terms[-1]))
    return f"{{{column}}} : ({' '.join(quoted)})"


def _pg_query(terms: list[str]) -> str:
    return " & ".join([*terms[:-1], f"{terms[-1]}:*"])


def matching(qs: QuerySet[Dataset], text: str) -> QuerySet[Dataset]:
    """The datasets of `qs` holding every word of `text` (the last as a prefix), annotated with `title_hit`.

    Text without a word (only punctuation) searches for nothing and keeps `qs` whole. Raises QueryTooLongError
    past MAX_QUERY_LENGTH characters, so one request's work stays bounded."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLongError(text)
    terms = words(text)
    if not terms:
        return qs.annotate(title_hit=Value(False, output_field=BooleanField()))
    # The SQL below is constant; the words reach the database only as parameters.
    boolean: BooleanField[bool, bool] = BooleanField()
    if connection.vendor == "postgresql":
        query = (_pg_query(terms),)
        found = RawSQL(PG_MATCH.format(vector=PG_VECTOR), query, output_field=boolean)  # noqa: S611
        title = RawSQL(PG_MATCH.format(vector=PG_TITLE_VECTOR), query, output_field=boolean)  # noqa: S611
        return qs.filter(found).annotate(title_hit=title)
    title = RawSQL(FTS_TITLE, (_fts_match(terms, "title"),), output_field=boolean)  # noqa: S611
    return qs.filter(pk__in=RawSQL(FTS_SELECT, (_fts_match(terms, "document"),))).annotate(title_hit=title)  # noqa: S611


def ranked(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """Search results in order of relevance: title hits first, then the most recently added."""
    return qs.order_by("-title_hit", "-pk")


def _fts(sql: str, params: list[Any]) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Results:
    """The ids of the published datasets matching a query, best first, as a sequence a Paginator can page.

    `narrowed` says `qs` filters more than `Dataset.objects.published()`. Unnarrowed on SQLite, the FTS5 table
    (which holds the published datasets only) answers alone: counts from its lists, and a page walked newest
    first, title hits then the rest, stopping after the page, so a page costs the same at 100 datasets and at
    10,000. Otherwise the database joins the index with the other filters (`matching` + `ranked`)."""

    def __init__(self, qs: QuerySet[Dataset], text: str, *, narrowed: bool) -> None:
        self.terms = words(text)
        self.fast = connection.vendor == "sqlite" and not narrowed and bool(self.terms)
        self.last = _last_word(self.terms[-1]) if self.fast else ""
        self.qs = qs if self.fast else ranked(matching(qs, text))
        self._count: int | None = None
        self._title_count: int | None = None

    def _match(self, column: str) -> str:
        return _fts_match(self.terms, column, self.last)

    def _rest(self) -> str:
        return f"({self._match('document')}) NOT ({self._match('title')})"

    def count(self) -> int:
        if self._count is None:
            if self.fast:
                self._count = _fts(FTS_COUNT, [self._match("document")])[0][0]
            else:
                self._count = self.qs.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _title_hits(self) -> int:
        if self._title_count is None:
            self._title_count = _fts(FTS_COUNT, [self._match("title")])[0][0]
        return self._title_count

    def __getitem__(self, key: slice) -> list[int]:
        if not isinstance(key, slice):
            raise TypeError("Results are read by slices")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        if stop <= start:
            return []
        if not self.fast:
            return list(self.qs.values_list("pk", flat=True)[start:stop])
        ids: list[int] = []
        if start == 0 or start < self._title_hits():
            ids += [r[0] for r in _fts(FTS_PAGE, [self._match("title"), stop - start, start])]
        if len(ids) < stop - start:
            offset = max(start - self._title_hits(), 0) if start else 0
            ids += [r[0] for r in _fts(FTS_PAGE, [self._rest(), stop - start - len(ids), offset])]
        return ids


def results(qs: QuerySet[Dataset], text: str, *, narrowed: bool) -> Results:
    """The one search of the catalogue, for the CKAN API and the catalogue page alike (see Results)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLongError(text)
    return Results(qs, text, narrowed=narrowed)


# --- keeping the index -----------------------------------------------------------------------------------------


def _fts_replace(datasets: Iterable[Dataset]) -> None:
    """The SQLite index holds the published datasets only: write those, forget the others."""
    datasets = list(datasets)
    if connection.vendor != "sqlite" or not datasets:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(d.pk,) for d in datasets])  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, document) VALUES (%s, %s, %s)",  # noqa: S608
            [(d.pk, d.title, d.search_text) for d in datasets if d.state == State.PUBLISHED],
        )


def index_datasets(datasets: Iterable[Dataset]) -> None:
    """Write each dataset's searchable words now (called by the services after every change of them)."""
    datasets = list(datasets)
    for dataset in datasets:
        text = document(dataset)
        if text != dataset.search_text:
            Dataset.objects.filter(pk=dataset.pk).update(search_text=text)
            dataset.search_text = text
    _fts_replace(datasets)


def index_stored(dataset: Dataset) -> None:
    """Put a dataset's stored words into the SQLite index as they are (a restore loads rows, not services)."""
    _fts_replace([dataset])


def index_rebuild(batch: int = 500) -> int:
    """Every dataset's words again, and the SQLite index from nothing; returns how many datasets."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
    done = 0
    ids = list(Dataset.objects.order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(ids), batch):
        index_datasets(Dataset.objects.filter(pk__in=ids[first : first + batch]).order_by("pk"))
        done += len(ids[first : first + batch])
    return done


def index_problems() -> list[tuple[str, str]]:
    """How the SQLite index differs from the published datasets: (dataset id, what is wrong) for each.

    (PostgreSQL keeps its GIN index itself.) Repaired by `balai data reindex`."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, title, document FROM {FTS_TABLE}")  # noqa: S608
        indexed = {pk: (title, text) for pk, title, text in cursor.fetchall()}
    stored = {
        pk: (title, text) for pk, title, text in Dataset.objects.published().values_list("pk", "title", "search_text")
    }
    problems = [
        (str(pk), "published dataset missing from the search index") for pk in sorted(stored.keys() - indexed.keys())
    ]
    problems += [
        (str(pk), "search index row without a published dataset") for pk in sorted(indexed.keys() - stored.keys())
    ]
    problems += [
        (str(pk), "search index row older than the dataset")
        for pk in sorted(stored.keys() & indexed.keys())
        if stored[pk] != indexed[pk]
    ]
    return problems


def on_dataset_saved(sender: object, instance: Dataset, raw: bool = False, **kwargs: object) -> None:
    """A restore (loaddata) writes datasets without the services: index the words it brought."""
    if raw:
        index_stored(instance)


def on_dataset_deleted(sender: object, instance: Dataset, **kwargs: object) -> None:
    if connection.vendor == "sqlite" and instance.pk is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [instance.pk])  # noqa: S608


def forget_gone(using: str = "default", **_kwargs: Any) -> None:
    """post_migrate (sent by flush): the SQLite index forgets every dataset that is gone or no longer published."""
    word_index.forget_gone(
        using=using, fts_table=FTS_TABLE, table=Dataset._meta.db_table, column="state", value=State.PUBLISHED
    )
