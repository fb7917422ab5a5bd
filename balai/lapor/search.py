"""Full-text search of public reports, through an index on both databases, that can never find a rahasia report.

The index holds only what the public may read: the display title and description (the coordinator's public
version when there is one) of reports that are published and neither rahasia nor archived. Database triggers keep it in step
with `lapor_report`, whoever writes (services, the admin, bulk inserts, `loaddata`):

- SQLite: `lapor_report_fts`, a contentless FTS5 table whose rowid is the report's id.
- PostgreSQL: `lapor_report_search` (report id, `tsvector`) with a GIN index.

Results come newest first by arrival (report id), which both indexes can produce without reading every match:
FTS5 walks its lists backwards; PostgreSQL walks the side table backwards through its primary key. A word is
matched whole, the last one also as a prefix (`lamp` finds `lampu`), case and accents aside on SQLite, case
aside on PostgreSQL. FTS5 would read the whole lists of a prefix before its first row, so a short last word
is read from its prefix indexes and a longer one is replaced by the words it starts (`fts5_query_named`).

`install` creates the tables and triggers; the lapor migration runs it, and so does every `migrate`
(`post_migrate`), because SQLite loses a table's triggers when Django rebuilds the table to alter a column:
triggers that went missing are put back and the index is rebuilt.

The FTS5 table is contentless: it forgets a row only when told the very text it indexed. Change what is
indexed (_TITLE, _BODY, _PUBLIC, the tokenizer, the prefix indexes) only in a migration that rebuilds the index
from scratch (`uninstall`, then `install`, as lapor migration 0006 does).
"""

# Every SQL text below is built from this module's constants; what a person types travels only as parameters.
# ruff: noqa: S608

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Report

# What a person types is reduced to words (letters and digits); at most this many count.
MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+")

# The text of a report the public may search: the same expression for the index and the checks.
_TITLE = "COALESCE(NULLIF({t}public_title, ''), {t}title)"
_BODY = "COALESCE(NULLIF({t}public_description, ''), {t}description)"
# `ReportQuerySet.public()` in SQL (the queries filter through it as well: this keeps the index to public text).
_PUBLIC = "{t}published_at IS NOT NULL AND NOT {t}is_confidential AND {t}status <> 'diarsipkan'"

# --- SQLite: FTS5 -----------------------------------------------------------------------------------

_FTS_COLUMNS = "lapor_report_fts(lapor_report_fts, rowid, title, body)"
SQLITE_TRIGGERS = {
    "lapor_report_fts_insert": f"""
        CREATE TRIGGER lapor_report_fts_insert AFTER INSERT ON lapor_report
        WHEN {_PUBLIC.format(t="new.")}
        BEGIN
            INSERT INTO lapor_report_fts(rowid, title, body)
            VALUES (new.id, {_TITLE.format(t="new.")}, {_BODY.format(t="new.")});
        END""",
    "lapor_report_fts_delete": f"""
        CREATE TRIGGER lapor_report_fts_delete AFTER DELETE ON lapor_report
        WHEN {_PUBLIC.format(t="old.")}
        BEGIN
            INSERT INTO {_FTS_COLUMNS}
            VALUES ('delete', old.id, {_TITLE.format(t="old.")}, {_BODY.format(t="old.")});
        END""",
    # A contentless table forgets a row only when told exactly what it indexed: the old values, as indexed.
    "lapor_report_fts_update": f"""
        CREATE TRIGGER lapor_report_fts_update
        AFTER UPDATE OF title, description, public_title, public_description, is_confidential, status, published_at
        ON lapor_report
        BEGIN
            INSERT INTO {_FTS_COLUMNS}
            SELECT 'delete', old.id, {_TITLE.format(t="old.")}, {_BODY.format(t="old.")}
            WHERE {_PUBLIC.format(t="old.")};
            INSERT INTO lapor_report_fts(rowid, title, body)
            SELECT new.id, {_TITLE.format(t="new.")}, {_BODY.format(t="new.")}
            WHERE {_PUBLIC.format(t="new.")};
        END""",
}
# FTS5 keeps a prefix index for beginnings of 1 to SQLITE_PREFIXES letters, the ones most words share: a last
# word that short is read from it like a word. A longer one is looked up in the index's words
# (`fts5_query_named`). The three prefix indexes make the FTS5 table about three times larger (125 → 411 MB at
# a million reports).
SQLITE_PREFIXES = 3
_PREFIX_LENGTHS = " ".join(str(n) for n in range(1, SQLITE_PREFIXES + 1))
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS lapor_report_fts USING fts5(title, body, content='', "
    f"tokenize='unicode61 remove_diacritics 2', prefix='{_PREFIX_LENGTHS}')"
)
# The index's words, one row each, in order.
SQLITE_WORDS = "CREATE VIRTUAL TABLE IF NOT EXISTS lapor_report_fts_words USING fts5vocab(lapor_report_fts, 'row')"
SQLITE_FILL = (
    "INSERT INTO lapor_report_fts(rowid, title, body) "
    f"SELECT id, {_TITLE.format(t='')}, {_BODY.format(t='')} FROM lapor_report WHERE {_PUBLIC.format(t='')}"
    " ORDER BY id"  # in rowid order, or FTS5 writes a segment a row (balai.situs.search.index_rebuild)
)

# --- PostgreSQL: a side table of tsvectors ---------------------------------------------------------------

_VECTOR = "to_tsvector('simple'::regconfig, {title} || ' ' || {body})"
POSTGRES_SETUP = [
    """CREATE TABLE IF NOT EXISTS lapor_report_search (
        report_id bigint PRIMARY KEY,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS lapor_report_search_document ON lapor_report_search USING gin (document)",
    f"""CREATE OR REPLACE FUNCTION lapor_report_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM lapor_report_search WHERE report_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' AND {_PUBLIC.format(t="NEW.")} THEN
            INSERT INTO lapor_report_search (report_id, document)
            VALUES (NEW.id, {_VECTOR.format(title=_TITLE.format(t="NEW."), body=_BODY.format(t="NEW."))})
            ON CONFLICT (report_id) DO UPDATE SET document = EXCLUDED.document;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION lapor_report_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE lapor_report_search;
        RETURN NULL;
    END $$""",
]
POSTGRES_TRIGGERS = {
    "lapor_report_search_sync": """
        CREATE TRIGGER lapor_report_search_sync
        AFTER INSERT OR DELETE OR UPDATE OF title, description, public_title, public_description, is_confidential,
            status, published_at
        ON lapor_report FOR EACH ROW EXECUTE FUNCTION lapor_report_search_sync()""",
    # Django's flush (transactional tests) empties lapor_report with TRUNCATE, which row triggers do not see.
    "lapor_report_search_truncate": """
        CREATE TRIGGER lapor_report_search_truncate AFTER TRUNCATE ON lapor_report
        FOR EACH STATEMENT EXECUTE FUNCTION lapor_report_search_truncate()""",
}
POSTGRES_FILL = (
    "INSERT INTO lapor_report_search (report_id, document) "
    f"SELECT id, {_VECTOR.format(title=_TITLE.format(t=''), body=_BODY.format(t=''))} FROM lapor_report "
    f"WHERE {_PUBLIC.format(t='')} ON CONFLICT (report_id) DO UPDATE SET document = EXCLUDED.document"
)


def _existing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'lapor_report'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'lapor_report'::regclass AND NOT tgisinternal"
            )
        return {row[0] for row in cursor.fetchall()}


def install(connection: BaseDatabaseWrapper, *, repair_only: bool = False) -> bool:
    """Create the search index and its triggers where missing; rebuild the index if a trigger was missing.

    With `repair_only`, only an index that exists already is repaired (after `migrate` back past the lapor
    migration that made it, it stays away). Returns whether anything was (re)built. Other databases than
    SQLite and PostgreSQL are left alone (the public search then falls back to a plain text scan).
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    tables = set(connection.introspection.table_names())
    if "lapor_report" not in tables:
        return False
    if repair_only and not {"lapor_report_fts", "lapor_report_search"} & tables:
        return False
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, "lapor_report")}
    if "published_at" not in columns:
        # An older schema, while migrating (lapor 0003 and 0006 call this): lapor 0009, which brings the column
        # the index is defined by, builds it.
        return False
    triggers = SQLITE_TRIGGERS if connection.vendor == "sqlite" else POSTGRES_TRIGGERS
    missing = [name for name in triggers if name not in _existing_triggers(connection)]
    if not missing:
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_TABLE)
            cursor.execute(SQLITE_WORDS)
            for name in triggers:  # all of them again, so that they are created together with the rebuild
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("INSERT INTO lapor_report_fts(lapor_report_fts) VALUES ('delete-all')")
            for sql in triggers.values():
                cursor.execute(sql)
            cursor.execute(SQLITE_FILL)
        else:
            for sql in POSTGRES_SETUP:
                cursor.execute(sql)
            for name in triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON lapor_report")
            cursor.execute("TRUNCATE lapor_report_search")
            for sql in triggers.values():
                cursor.execute(sql)
            cursor.execute(POSTGRES_FILL)
            cursor.execute("ANALYZE lapor_report_search")
    return True


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove the search index and its triggers (the migration's way back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS lapor_report_fts_words")
            cursor.execute("DROP TABLE IF EXISTS lapor_report_fts")
        elif connection.vendor == "postgresql":
            for name in POSTGRES_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON lapor_report")
            cursor.execute("DROP TABLE IF EXISTS lapor_report_search")
            cursor.execute("DROP FUNCTION IF EXISTS lapor_report_search_sync()")
            cursor.execute("DROP FUNCTION IF EXISTS lapor_report_search_truncate()")


# --- queries ---------------------------------------------------------------------------------------------


def terms(text: str) -> list[str]:
    """The words of a search, lower case, in order, without repeats: `Jl. Sam-Ratulangi!` → jl, sam, ratulangi."""
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:MAX_TERMS]


def fts5_query(words: list[str]) -> str:
    """`"jalan" "lampu"*`: every word (implicit AND), the last one also as a prefix. Words are letters and
    digits only, so quoting cannot be broken out of."""
    return " ".join(f'"{w}"' for w in words) + "*"


# The longest list of words a last word is replaced by; a beginning more words share stays a prefix query.
MAX_LONGER = 30
_PLAIN = re.compile(r"^[a-z0-9]+$")


def fts5_query_named(connection: BaseDatabaseWrapper, words: list[str]) -> str:
    """`fts5_query`, with a last word longer than SQLITE_PREFIXES replaced by itself and the index's words that
    start with it: `"rusak" AND ("jalan" OR "jalanan")`. The same matches, which FTS5 now reads newest first
    and stops reading after the page.

    Without a prefix index of its length, FTS5 answers a prefix query (`"sekolah"*`) by merging the whole lists
    of every word that starts with it before it returns a row: 9 ms at a million reports for "sekolah" (0.04 ms
    as a whole word), growing with the reports that hold such a word. Looking the longer words up in
    fts5vocab reads their lists only (to count them), not the word's own: nothing for most whole words.
    Only a word in a-z and 0-9 is named (the tokenizer keeps it as it is); any other stays a prefix query.
    """
    *whole, last = words
    if len(last) <= SQLITE_PREFIXES or not _PLAIN.match(last):
        return fts5_query(words)
    with connection.cursor() as cursor:
        # From just after the word itself (its own list is not read) to the last word that starts with it.
        cursor.execute(
            "SELECT term FROM lapor_report_fts_words WHERE term >= %s AND term <= %s LIMIT %s",
            [last + "\x01", last + "\U0010ffff", MAX_LONGER + 1],
        )
        longer = [term for (term,) in cursor.fetchall() if term.startswith(last) and term != last]
    if len(longer) > MAX_LONGER:
        return fts5_query(words)
    named = " OR ".join(f'"{word}"' for word in [last, *longer])
    return " AND ".join([*(f'"{word}"' for word in whole), f"({named})" if longer else f'"{last}"'])


def tsquery(words: list[str]) -> str:
    """`'jalan' & 'lampu':*`, the PostgreSQL twin of `fts5_query`."""
    return " & ".join(f"'{w}'" for w in words) + ":*"


def matching(qs: QuerySet[Report], words: list[str], vendor: str) -> QuerySet[Report]:
    """`qs` narrowed to public reports whose public text holds every word, newest first (by id).

    On SQLite the FTS5 table drives the query (its rowid order is the result order); on PostgreSQL the side
    table joins in and the planner chooses. `public_page` adds a bounded strategy on PostgreSQL.
    """
    if vendor == "sqlite":
        from django.db import connections

        return qs.extra(
            tables=["lapor_report_fts"],
            where=['"lapor_report_fts"."rowid" = "lapor_report"."id"', '"lapor_report_fts" MATCH %s'],
            params=[fts5_query_named(connections[qs.db], words)],
            select={"search_order": '"lapor_report_fts"."rowid"'},
            order_by=["-search_order"],
        )
    if vendor == "postgresql":
        return qs.filter(
            pk__in=RawSQL(
                "SELECT report_id FROM lapor_report_search WHERE document @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery(words)],
            )
        ).order_by("-pk")
    # Any other database: a scan, correct but slow.
    from django.db.models import Q

    for word in words:
        qs = qs.filter(Q(public_title__icontains=word) | Q(public_title="", title__icontains=word)
                       | Q(public_description__icontains=word) | Q(public_description="", description__icontains=word))  # fmt: skip
    return qs.order_by("-pk")


# PostgreSQL: how many of the newest indexed reports the first, bounded attempt reads.
RECENT_WINDOW = 5000


def postgres_page_ids(qs: QuerySet[Report], words: list[str], *, offset: int, limit: int) -> list[int] | None:
    """The ids of one page of matches among the RECENT_WINDOW newest public reports, or None if they are
    too few to fill it.

    The planner cannot know how many reports hold a word it has no statistics for (a word only rahasia
    reports use, say), and may then walk the whole index backwards looking for matches that never come.
    Reading a bounded window of the newest reports first makes the common case (a word many reports use)
    cost the same at any size; a rare word then takes the GIN index, whose work is proportional to its few
    matches. `qs` carries the page's other filters, checked by EXISTS for each candidate.
    """
    from django.db import connections

    inner = qs.filter(pk=RawSQL('"recent"."report_id"', [])).order_by().values("pk")
    inner_sql, inner_params = inner.query.sql_with_params()
    sql = (
        "SELECT recent.report_id FROM (SELECT report_id, document FROM lapor_report_search "
        "ORDER BY report_id DESC LIMIT %s) recent "
        "WHERE recent.document @@ to_tsquery('simple'::regconfig, %s) "
        f"AND EXISTS ({inner_sql}) ORDER BY recent.report_id DESC LIMIT %s OFFSET %s"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, [RECENT_WINDOW, tsquery(words), *inner_params, limit, offset])
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) == limit else None


def postgres_rare_matches(qs: QuerySet[Report], words: list[str]) -> QuerySet[Report]:
    """Matches through the GIN index, for a word too rare to fill a page from the newest reports.

    `OFFSET 0` keeps the subquery whole, so the planner fetches the (few) matches from the index instead of
    walking every report backwards in search of them.
    """
    return qs.filter(
        pk__in=RawSQL(
            "SELECT report_id FROM lapor_report_search WHERE document @@ to_tsquery('simple'::regconfig, %s) OFFSET 0",
            [tsquery(words)],
        )
    ).order_by("-pk")


def ensure_after_migrate(using: str = "default", **_kwargs: Any) -> None:
    """`post_migrate` receiver: put back triggers that a table rebuild dropped; fresh planner statistics."""
    from django.db import connections

    install(connections[using], repair_only=True)
    refresh_statistics(connections[using])


# ANALYZE reads about this many rows of each index on SQLite: a few milliseconds, whatever the size.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics(connection: BaseDatabaseWrapper) -> None:
    """Give SQLite's query planner statistics about the reports' indexes (`balai worker` does it every few
    minutes, and every `migrate`).

    Without them SQLite guesses, and guesses wrong for the inbox: it sorts every open report instead of reading
    the deadline index (report_open_deadline) in order, which makes the inbox grow slower with the backlog.
    PostgreSQL keeps its own statistics (autovacuum).
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
