"""Searching the public list by words: through the search index on SQLite and PostgreSQL alike, never a rahasia
or archived report, never text that only the officers may read."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.lapor import search, services
from balai.lapor.models import ArchiveReason, Category, Report
from tests.factories import make_report

from .test_public_pages import listed_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_on_arrival")]


def found(client: Any, q: str, **filters: str) -> list[str]:
    return listed_codes(client.get("/laporan/", {"q": q, **filters}))


@pytest.fixture
def lamp(city: Any) -> Report:
    return make_report(title="Lampu jalan mati di Jl. Sam Ratulangi", description="Sudah tiga malam gelap gulita.")


@pytest.fixture
def rubbish(city: Any) -> Report:
    return make_report(
        title="Sampah menumpuk di Pasar Winenet",
        description="Bau menyengat sampai ke rumah warga.",
        category=Category.objects.get(slug="sampah"),
    )


def test_a_word_of_the_title_or_of_the_description_finds_the_report(lamp, rubbish, client):
    assert found(client, "lampu") == [lamp.code]
    assert found(client, "menyengat") == [rubbish.code]


def test_the_search_ignores_case_and_punctuation(lamp, client):
    assert found(client, "LAMPU") == [lamp.code]
    assert found(client, "  sam-ratulangi!! ") == [lamp.code]


def test_every_word_must_be_there(lamp, rubbish, client):
    assert found(client, "jalan gelap") == [lamp.code]
    assert found(client, "jalan sampah") == []


def test_the_last_word_may_be_the_start_of_a_word(lamp, rubbish, client):
    assert found(client, "pasar wine") == [rubbish.code]
    assert found(client, "wine pasar") == []  # only the last word is taken as a beginning


def test_the_latest_report_comes_first(city, client):
    older = make_report(title="Jalan berlubang di depan SD Negeri 3")
    newer = make_report(title="Jalan berlubang dekat Terminal Tangkoko")

    assert found(client, "berlubang") == [newer.code, older.code]


def test_a_search_without_any_word_finds_nothing(lamp, client):
    assert found(client, "?!…") == []


def test_words_combine_with_the_other_filters(lamp, rubbish, client):
    assert found(client, "warga", category="sampah") == [rubbish.code]
    assert found(client, "warga", category="jalan-rusak") == []


# The last word: a whole word, and the beginning of longer ones


@pytest.fixture
def roads(city: Any) -> list[Report]:
    """Oldest first."""
    about = "Mohon segera diperbaiki oleh dinas terkait."
    return [
        make_report(title="Jalan rusak di Girian", description=about),
        make_report(title="Jalanan licin sesudah hujan", description=about),
        make_report(title="Jembatan rusak di Lembeh", description=about),
        make_report(title="Jalannya rusak parah", description=about),
    ]


def test_a_whole_word_also_finds_the_longer_words_that_start_with_it(roads, client):
    jalan, jalanan, _jembatan, jalannya = roads

    assert found(client, "jalan") == [jalannya.code, jalanan.code, jalan.code]
    assert found(client, "rusak jalan") == [jalannya.code, jalan.code]
    assert found(client, "jalann") == [jalannya.code]
    assert found(client, "jalanan") == [jalanan.code]


def test_a_beginning_of_one_to_three_letters_finds_every_word_it_starts(roads, client):
    jalan, jalanan, jembatan, jalannya = roads

    assert found(client, "j") == [jalannya.code, jembatan.code, jalanan.code, jalan.code]
    assert found(client, "ja") == [jalannya.code, jalanan.code, jalan.code]
    assert found(client, "rusak jem") == [jembatan.code]


def test_a_beginning_that_too_many_words_share_finds_them_all_the_same(roads, client, monkeypatch):
    jalan, jalanan, _jembatan, jalannya = roads
    monkeypatch.setattr(search, "MAX_LONGER", 1)  # jalanan and jalannya are two

    assert found(client, "jalan") == [jalannya.code, jalanan.code, jalan.code]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's query")
def test_the_longer_words_are_named_so_that_fts5_reads_the_newest_first_and_stops(roads, client, monkeypatch):
    # A prefix query longer than FTS5's prefix indexes reads every match before the first row comes back.
    with CaptureQueriesContext(connection) as captured:
        client.get("/laporan/", {"q": "Jalan"})
    (page,) = [q["sql"] for q in captured if "MATCH" in q["sql"]]
    assert """MATCH '("jalan" OR "jalanan" OR "jalannya")'""" in page
    assert search.fts5_query_named(connection, ["jalan"]) == '("jalan" OR "jalanan" OR "jalannya")'
    assert search.fts5_query_named(connection, ["rusak", "jalann"]) == '"rusak" AND ("jalann" OR "jalannya")'
    assert search.fts5_query_named(connection, ["jembatan", "rusak"]) == '"jembatan" AND "rusak"'
    assert search.fts5_query_named(connection, ["gorong"]) == '"gorong"'  # in no report
    # Up to three letters FTS5 has a prefix index of that length; other letters than a-z and 0-9 stay as typed.
    assert search.fts5_query_named(connection, ["jal"]) == '"jal"*'
    assert search.fts5_query_named(connection, ["jalán"]) == '"jalán"*'
    monkeypatch.setattr(search, "MAX_LONGER", 1)
    assert search.fts5_query_named(connection, ["jalan"]) == '"jalan"*'


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's prefix indexes")
def test_the_search_index_has_prefix_indexes_of_one_to_three_letters(city):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'lapor_report_fts'")
        (sql,) = cursor.fetchone()

    assert "prefix='1 2 3'" in sql


# What must never be found


def test_a_rahasia_report_is_never_found_by_its_words(city, client):
    secret = make_report(title="Dugaan pungutan liar di kantor kelurahan", is_confidential=True)

    assert found(client, "pungutan") == []
    assert found(client, secret.title) == []


def test_a_report_made_rahasia_later_is_no_longer_found(lamp, client):
    assert found(client, "lampu") == [lamp.code]

    Report.objects.filter(pk=lamp.pk).update(is_confidential=True)

    assert found(client, "lampu") == []


def test_an_archived_report_is_not_found(lamp, coordinator, client):
    services.report_archive(report=lamp, actor=coordinator, version=None, reason=ArchiveReason.TOO_GENERAL)

    assert found(client, "lampu") == []


def test_once_a_public_title_is_written_the_reporters_own_words_are_no_longer_searchable(lamp, client):
    lamp.public_title = "Penerangan jalan padam"
    lamp.public_description = "Lampu penerangan jalan umum tidak menyala."
    lamp.save()

    assert found(client, "padam") == [lamp.code]
    assert found(client, "gulita") == []  # only in the reporter's own description
    assert found(client, "ratulangi") == []  # only in the reporter's own title


def test_a_deleted_report_leaves_nothing_behind(lamp, client):
    lamp.delete()

    assert found(client, "lampu") == []
    assert _indexed_ids() == set()


def test_the_reporters_identity_is_not_searchable(city, client):
    make_report(reporter_name="Yohanes Sumampouw", reporter_email="yohanes@contoh.id")

    assert found(client, "Sumampouw") == []
    assert found(client, "yohanes") == []


# The index itself


def _indexed_ids() -> set[int]:
    table, column = (
        ("lapor_report_fts", "rowid") if connection.vendor == "sqlite" else ("lapor_report_search", "report_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - constant names
        return {row[0] for row in cursor.fetchall()}


def test_the_index_holds_exactly_the_public_reports(city, coordinator):
    public = make_report(title="Got tersumbat di Girian Bawah")
    make_report(title="Pungutan liar di puskesmas", is_confidential=True)
    archived = make_report(title="Laporan ganda")
    services.report_archive(report=archived, actor=coordinator, version=None, reason=ArchiveReason.TOO_GENERAL)

    assert _indexed_ids() == {public.pk}


def test_triggers_lost_in_a_table_rebuild_are_put_back_and_the_index_refilled(lamp, client):
    for name in search.SQLITE_TRIGGERS if connection.vendor == "sqlite" else search.POSTGRES_TRIGGERS:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {name}" + ("" if connection.vendor == "sqlite" else " ON lapor_report"))
    Report.objects.filter(pk=lamp.pk).update(title="Lampu taman mati")  # not seen by the index: no trigger

    assert search.install(connection, repair_only=True) is True
    assert found(client, "taman") == [lamp.code]
    later = make_report(title="Lampu taman kota padam")
    assert found(client, "taman") == [later.code, lamp.code]
    assert search.install(connection, repair_only=True) is False  # nothing more to do


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bounded first attempt")
def test_a_word_too_rare_for_the_newest_reports_is_found_through_the_index(city, client, monkeypatch):
    rare = make_report(title="Jembatan gantung putus")
    for _ in range(4):
        make_report(title="Lampu jalan mati")
    monkeypatch.setattr(search, "RECENT_WINDOW", 2)  # the newest two reports hold no "jembatan"

    assert found(client, "jembatan") == [rare.code]
    assert found(client, "lampu")[:2] == list(Report.objects.order_by("-pk").values_list("code", flat=True)[:2])


def test_terms_are_the_words_of_what_was_typed():
    assert search.terms("Jl. Sam-Ratulangi, jl 3!") == ["jl", "sam", "ratulangi", "3"]
    assert search.fts5_query(["jalan", "lamp"]) == '"jalan" "lamp"*'
    assert search.tsquery(["jalan", "lamp"]) == "'jalan' & 'lamp':*"
