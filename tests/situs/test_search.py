"""The cross-site search through the full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL): the same
answers on both databases (this file runs on both), kept up to date by the services, never failing on what a
person types, and the portal's newest pages read through an index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balai.situs import search, services
from balai.situs.models import Kind, Page

from .conftest import client_for, publish, write

pytestmark = pytest.mark.django_db


def titles(query: str, **kwargs: Any) -> list[str]:
    return list(
        Page.objects.filter(pk__in=search.page_ids(query, 50, **kwargs)).order_by("-pk").values_list("title", flat=True)
    )


@pytest.fixture
def pages(sites: Any) -> dict[str, Page]:
    dinkes, pupr = sites["dinkes"], sites["dinas-pupr"]
    return {
        "posyandu": publish(write(dinkes, title="Jadwal Posyandu Balita", summary="Imunisasi di kelurahan Girian")),
        "jalan": publish(write(pupr, title="Perbaikan jalan Sam Ratulangi", summary="Lajur kiri ditutup")),
        "layanan": publish(write(dinkes, kind=Kind.SERVICE, title="Surat keterangan sehat", summary="Syarat: KTP-el")),
        "draft": write(dinkes, title="Posyandu draf belum terbit"),
        "covid": publish(write(pupr, title="Vaksin COVID-19 untuk pekerja", summary="Gratis, 10 Desember")),
    }


def test_every_word_must_match_as_a_prefix_newest_first_on_either_database(pages: Any) -> None:
    assert titles("posyandu") == ["Jadwal Posyandu Balita"]  # the draft with the same word is not online
    assert titles("POSYAN") == ["Jadwal Posyandu Balita"]  # case folded, a word's beginning is enough
    assert titles("imunisasi girian") == ["Jadwal Posyandu Balita"]  # words of the summary count too
    assert titles("posyandu jalan") == []  # every word, not any
    # Punctuation between letters and digits separates words on both databases (PostgreSQL's parser alone would
    # index "covid-19" as "covid-19", "covid" and "-19", and "covid 19" would find nothing there).
    assert titles("covid 19") == titles("covid-19") == titles("COVID/19") == ["Vaksin COVID-19 untuk pekerja"]
    assert titles("surat", kinds=(Kind.SERVICE,)) == ["Surat keterangan sehat"]
    assert titles("surat", kinds=(Kind.NEWS,)) == []
    assert titles("s") == ["Surat keterangan sehat", "Perbaikan jalan Sam Ratulangi"]  # newest first
    assert search.page_ids("posyandu", 0) == []


def test_edits_unpublishing_and_closed_sites_change_what_is_found_at_once(pages: Any, sites: Any) -> None:
    page = pages["jalan"]
    services.page_update(actor=None, scope=None, page=page, version=None, data={"title": "Perbaikan jembatan Girian"})
    assert titles("jembatan") == ["Perbaikan jembatan Girian"]
    assert titles("ratulangi") == []
    services.page_act(actor=None, scope=None, page=page, action="unpublish", version=None)
    assert titles("jembatan") == []
    sites["dinkes"].is_active = False
    sites["dinkes"].save(update_fields=["is_active"])
    assert titles("posyandu") == []
    sites["dinkes"].is_active = True
    sites["dinkes"].save(update_fields=["is_active"])
    # A page past its end is not found even before the worker takes it offline.
    Page.objects.filter(pk=pages["posyandu"].pk).update(unpublish_at=timezone.now() - timedelta(minutes=1))
    assert titles("posyandu") == []
    assert pages["posyandu"].path and client_for().get(pages["posyandu"].path).status_code == 404


def test_what_people_type_never_breaks_the_search_and_is_bounded(pages: Any) -> None:
    client = client_for()
    for query in ('"posyandu', "posyandu*", "NOT posyandu", "(posyandu", "posyandu:*", "!&|",
                  "posyandu'; DROP TABLE situs_page;--", "posyandu AND", "NEAR(posyandu balita)", "^posyandu", "   ", "%_\\"):  # fmt: skip
        response = client.get("/portal/cari/", {"q": query})
        assert response.status_code == 200, query
        if query in ('"posyandu', "posyandu*", "(posyandu", "posyandu:*", "^posyandu"):
            assert "Jadwal Posyandu Balita" in response.content.decode(), query
    assert search.query_words("x " * 500) == ["x"] * search.MAX_WORDS
    assert search.query_words("a" * 500) == ["a" * search.MAX_WORD_CHARS]
    assert search.query_words("jalan_raya, Sam—Ratulangi!") == ["jalan", "raya", "sam", "ratulangi"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60))
def test_any_text_at_all_is_a_valid_query(sites: Any, query: str) -> None:
    assert isinstance(search.page_ids(query, 10), list)


def test_the_index_follows_a_bulk_load_after_a_rebuild(sites: Any) -> None:
    now = timezone.now()
    Page.objects.bulk_create(
        [
            Page(
                site=sites["dinkes"],
                kind=Kind.NEWS,
                slug=f"massal-{n}",
                title=f"Berita massal {n}",
                status="published",
                published_at=now,
            )
            for n in range(3)
        ]
    )
    search.index_rebuild()
    assert len(titles("massal")) == 3


def test_the_portal_reads_its_newest_pages_through_an_index(sites: Any) -> None:
    """The query plan on this database uses situs_page_newest (or, on PostgreSQL, some index: never a sort of
    every published row in the plan's top node)."""
    from balai.situs.selectors import NEWS_KINDS, pages_public

    sql, params = pages_public(kinds=NEWS_KINDS)[:10].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "situs_page_newest" in plan and "TEMP B-TREE" not in plan, plan
        else:
            cursor.execute("SET enable_seqscan = off")  # a handful of test rows: ask what it would do at size
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "situs_page_newest" in plan and "Sort" not in plan, plan


def test_a_sites_newest_news_and_its_count_read_an_index_without_sorting_or_reading_rows(sites: Any) -> None:
    """A site's home and news list (news and announcements together, newest first) walk situs_page_site_newest and
    stop after a page; the list's page count reads situs_page_site_public alone (no sort; on SQLite no table row)."""
    from django.test.utils import CaptureQueriesContext

    from balai.situs.selectors import NEWS_KINDS, pages_public, pages_public_count

    site = sites["dinkes"]
    publish(write(site, title="Kabar baru"))
    listed, params = pages_public(site=site, kinds=NEWS_KINDS)[:20].query.sql_with_params()
    with CaptureQueriesContext(connection) as captured:
        count = pages_public_count(site, NEWS_KINDS)
    assert count == pages_public(site=site, kinds=NEWS_KINDS).count() == 1
    counting = captured[-1]["sql"]
    with connection.cursor() as cursor:
        for sql, sql_params, index in (
            (listed, params, "INDEX situs_page_site_newest"),
            (counting, (), "COVERING INDEX situs_page_site_public"),
        ):
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", sql_params)
                plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
                assert index in plan and "TEMP B-TREE" not in plan, plan
            else:
                cursor.execute("SET enable_seqscan = off")
                cursor.execute(f"EXPLAIN {sql}", sql_params or None)
                plan = " | ".join(row[0] for row in cursor.fetchall())
                cursor.execute("SET enable_seqscan = on")
                assert "situs_page_site" in plan and "Sort" not in plan.split(" | ")[0], plan


def test_the_search_reads_the_full_text_index(pages: Any) -> None:
    """The query and the index use the same expression (search.search_vector), so PostgreSQL reads the GIN index;
    SQLite reads its FTS5 table."""
    if connection.vendor != "postgresql":
        assert titles("covid 19") == ["Vaksin COVID-19 untuk pekerja"]  # through situs_page_fts (search.page_ids)
        return
    from django.contrib.postgres.search import SearchQuery

    qs = Page.objects.annotate(fts=search.search_vector()).filter(
        fts=SearchQuery("'covid' & '19':*", config="simple", search_type="raw")
    )
    sql, params = qs.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " | ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "situs_page_fts_both_gin" in plan, plan  # title and summary in both languages (migration 0005)
