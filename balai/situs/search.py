"""Word search over the published pages of every site, through a full-text index on both databases.

Both languages of a page are searched: its Indonesian title and summary and their English versions (migration
0005), so "health" finds the English version of "Kesehatan" pages too.

SQLite: an FTS5 table (`situs_page_fts`, made by migration 0002) holding the title and summary of published pages
only (each column holds the Indonesian and the English words: `FTS_COLUMNS`); the services keep it (`index_pages` after every change of a page, `index_rebuild` after bulk loads).
PostgreSQL: a GIN index on `to_tsvector('simple', regexp_replace(title || ' ' || summary || ' ' || title_en || ' ' ||
summary_en, '[^[:alnum:]]+', ' ', 'g'))` (migration 0005; `search_text` says why); nothing to keep.

Both use the same words (letters and digits, lower-cased), all of which must match, whole except the last, which
may also be a beginning ("jadwal posyan" finds "Jadwal Posyandu"), as lapor's report search does; and return the
newest pages first (by id: no ranking, so the index stops after `limit` hits whatever the number of matches).
Anything else typed (quotes, stars, brackets, AND/OR) is only a separator: no query can fail.

FTS5 answers a prefix query by merging the whole lists of every word that starts with it before its first row, so
a last word of 1-3 letters is read from the prefix indexes and a longer one is replaced by the index's words that
start with it (read from the fts5vocab table), as lapor.search.fts5_query_named explains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Func, TextField, Value
from django.db.models.functions import Concat

from balai.core import word_index

from .models import Page, PageStatus

MAX_QUERY_CHARS = 100
MAX_WORDS = 5
MAX_WORD_CHARS = 40
FTS_TABLE = "situs_page_fts"
FTS_WORDS = "situs_page_fts_words"
FTS_PREFIXES = 3
MAX_LONGER = 30
_PLAIN = re.compile(r"^[a-z0-9]+$")
_WORD = re.compile(r"[^\W_]+")
# What the SQLite index's two columns hold: each language's words, one after the other.
FTS_COLUMNS = "id, title || ' ' || title_en, summary || ' ' || summary_en"


def query_words(query: str) -> list[str]:
    """The words searched for: letters and digits only, lower-cased, at most five, from the first 100 characters."""
    return [w.lower()[:MAX_WORD_CHARS] for w in _WORD.findall(query[:MAX_QUERY_CHARS])][:MAX_WORDS]


def search_text() -> Func:
    """Title and summary with every run of non-letters/digits made one space, so PostgreSQL's parser sees the words
    SQLite's tokenizer sees: "COVID-19" is "covid" and "19" on both (PostgreSQL alone would index "covid-19",
    "covid" and "-19", and "covid 19" would find nothing)."""
    return Func(
        Concat(
            "title", Value(" "), "summary", Value(" "), "title_en", Value(" "), "summary_en", output_field=TextField()
        ),
        Value(r"[^[:alnum:]]+"),
        Value(" "),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=TextField(),
    )


def search_vector() -> SearchVector:
    # The same expression as the GIN index of migration 0004, or PostgreSQL would not use it.
    return SearchVector(search_text(), config="simple")


def page_ids(query: str, limit: int, *, kinds: Sequence[str] = ()) -> list[int]:
    """Ids of published pages of active sites having every word of `query`, newest first, at most `limit`."""
    words = query_words(query)
    if not words or limit <= 0:
        return []
    if connection.vendor == "postgresql":
        raw = " & ".join([*(f"'{w}'" for w in words[:-1]), f"'{words[-1]}':*"])  # letters and digits only
        qs = (
            Page.objects.published()
            .annotate(fts=search_vector())
            .filter(fts=SearchQuery(raw, config="simple", search_type="raw"))
        )
        if kinds:
            qs = qs.filter(kind__in=list(kinds))
        return list(qs.order_by("-pk").values_list("pk", flat=True)[:limit])
    match = _fts5_query(words)
    kind_filter = f" AND p.kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else ""
    sql = (
        f"SELECT f.rowid FROM {FTS_TABLE} f JOIN situs_page p ON p.id = f.rowid JOIN situs_site s ON s.id = p.site_id"  # noqa: S608 - placeholders only
        f" WHERE {FTS_TABLE} MATCH %s AND p.status = %s AND s.is_active{kind_filter}"
        " AND (p.unpublish_at IS NULL OR p.unpublish_at > %s)"
        " ORDER BY f.rowid DESC LIMIT %s"
    )
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(sql, [match, PageStatus.PUBLISHED, *kinds, timezone.now(), limit])
        return [row[0] for row in cursor.fetchall()]


def _fts5_query(words: list[str]) -> str:
    """`"jadwal" AND ("posyandu" OR "posyandu2")`, or `"jadwal" "po"*` for a short last word. Quoted, and only
    letters and digits inside the quotes: never a syntax error."""
    *whole, last = words
    prefix = " ".join([*(f'"{w}"' for w in whole), f'"{last}"*'])
    if len(last) <= FTS_PREFIXES or not _PLAIN.match(last):
        return prefix
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term FROM {FTS_WORDS} WHERE term >= %s AND term <= %s LIMIT %s",  # noqa: S608 - a constant
            [last + "\x01", last + "\U0010ffff", MAX_LONGER + 1],
        )
        longer = [term for (term,) in cursor.fetchall() if term.startswith(last) and term != last]
    if len(longer) > MAX_LONGER:
        return prefix
    named = " OR ".join(f'"{w}"' for w in [last, *longer])
    return " AND ".join([*(f'"{w}"' for w in whole), f"({named})"])


def index_pages(pks: Iterable[int]) -> None:
    """Bring the SQLite index up to date for these pages (in the caller's transaction); nothing on PostgreSQL."""
    if connection.vendor != "sqlite":
        return
    ids = [int(pk) for pk in pks]
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)  # noqa: S608 - placeholders only
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, summary) SELECT {FTS_COLUMNS} FROM situs_page"  # noqa: S608
            f" WHERE id IN ({marks}) AND status = %s ORDER BY id",
            [*ids, PageStatus.PUBLISHED],
        )


def index_rebuild() -> None:
    """The SQLite index made again from every published page (after a bulk load that bypassed the services).

    In rowid order: FTS5 writes its pending words out as a new segment whenever a row comes with a lower rowid than
    the one before, so rows in another order (the planner's choice of index) make one segment a row and merge them
    over and over: 200,000 pages took more than 30 minutes that way, 12 seconds in rowid order."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - a constant
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, summary) SELECT {FTS_COLUMNS} FROM situs_page"  # noqa: S608
            " WHERE status = %s ORDER BY id",  # FTS5 flushes its pending words at every rowid lower than the last
            [PageStatus.PUBLISHED],
        )


def forget_gone(using: str = "default", **_kwargs: Any) -> None:
    """post_migrate (sent by flush): the SQLite index forgets every page that is gone or no longer published."""
    word_index.forget_gone(
        using=using, fts_table=FTS_TABLE, table="situs_page", column="status", value=PageStatus.PUBLISHED
    )
