"""The catalogue's word search through the full-text index (FTS5 on SQLite, GIN on PostgreSQL): what finds a
dataset, what takes it out, relevance, any text a person or a harvester types, the length bound, the index's
repair and its integrity check. The CKAN API and the catalogue page must answer alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.data import search, services
from balai.data.models import Dataset, State
from balai.data.rules import Action
from balai.platform.integrity import find_problems

from .conftest import dataset_input, published_dataset

pytestmark = pytest.mark.django_db


def api_names(client: Client, q: str, **params: Any) -> list[str]:
    response = client.get("/api/3/action/package_search", {"q": q, "rows": 50, **params})
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    if "start" not in params:
        assert result["count"] == len(result["results"])
    return [p["name"] for p in result["results"]]


def page_names(client: Client, q: str) -> list[str]:
    return [d.name for d in client.get("/data/", {"q": q}).context["datasets"]]


def found(client: Client, q: str) -> list[str]:
    """What the API finds, after checking the catalogue page finds the same in the same order."""
    names = api_names(client, q)
    assert page_names(client, q) == names, q
    return names


@pytest.fixture
def two(officer_dinkes: Any, officer_pupr: Any, walidata: Any) -> tuple[Dataset, Dataset]:
    puskesmas = published_dataset(officer_dinkes, walidata)  # file "Puskesmas 2025", tags kesehatan, puskesmas
    jalan = published_dataset(
        officer_pupr, walidata, unit_slug="dinas-pupr", title="Panjang jalan kota", tags=["infrastruktur"],
        notes="Ruas jalan menurut kondisi permukaan.",
    )  # fmt: skip
    return puskesmas, jalan


def test_a_dataset_is_found_by_its_title_notes_tags_and_file_names(two: Any) -> None:
    puskesmas, jalan = two
    client = Client()
    assert found(client, "jumlah") == [puskesmas.name]  # title
    assert found(client, "banyaknya") == [puskesmas.name]  # description
    assert found(client, "kesehatan") == [puskesmas.name]  # tag
    assert found(client, "puskesmas") == [puskesmas.name, jalan.name]  # the title, then the file "Puskesmas 2025"
    assert found(client, "permukaan") == [jalan.name]
    assert found(client, "PUSKESMAS Kecamatan") == [puskesmas.name]  # case, every word
    assert found(client, "kecamatan puskes") == [puskesmas.name]  # the last word as a prefix
    assert found(client, "puskes kecamatan") == []  # only the last
    assert found(client, "posyandu jalan") == []
    assert sorted(found(client, "")) == sorted([puskesmas.name, jalan.name])


def test_a_dataset_leaves_the_search_when_withdrawn_and_follows_its_edits(
    two: Any, officer_dinkes: Any, walidata: Any
) -> None:
    puskesmas, _jalan = two
    client = Client()
    scope = staff_scope(walidata)
    services.dataset_transition(actor=walidata, scope=scope, dataset=puskesmas, action=Action.UNPUBLISH, version=None)
    assert found(client, "banyaknya") == []
    edited = services.dataset_update(
        actor=officer_dinkes, scope=staff_scope(officer_dinkes), dataset=puskesmas,
        data=dataset_input(title="Jumlah posyandu per kecamatan", tags=["gizi"]), version=None,
    )  # fmt: skip
    services.dataset_transition(actor=officer_dinkes, scope=staff_scope(officer_dinkes), dataset=edited,
                                action=Action.SUBMIT, version=None)  # fmt: skip
    services.dataset_transition(actor=walidata, scope=scope, dataset=edited, action=Action.PUBLISH, version=None)
    assert found(client, "posyandu gizi") == [puskesmas.name]
    assert found(client, "kesehatan") == []  # the old tag is gone
    assert search.index_problems() == []


def test_title_hits_come_before_newer_datasets_that_only_mention_the_word(
    officer_dinkes: Any, officer_pupr: Any, walidata: Any
) -> None:
    titled = published_dataset(officer_pupr, walidata, unit_slug="dinas-pupr", title="Jalan rusak per kecamatan")
    mentions = [
        published_dataset(officer_dinkes, walidata, title=f"Puskesmas keliling {n}", notes="Lewat jalan desa.")
        for n in (1, 2)
    ]
    client = Client()
    assert found(client, "jalan") == [titled.name, mentions[1].name, mentions[0].name]
    by_date = api_names(client, "jalan", sort="metadata_modified desc")
    assert by_date == [mentions[1].name, mentions[0].name, titled.name]
    assert api_names(client, "jalan", rows=1, start=1) == [mentions[1].name]
    # Narrowed by a filter, the database joins the index and ranks the same way.
    assert api_names(client, "jalan", fq="res_format:CSV") == found(client, "jalan")


SPECIAL = ['"', "'", "*", "-", ":", "*:*", '"jalan', "jalan*", "-jalan", "jalan -", "NEAR(jalan kota)", "jalan OR",
           "OR", "AND NOT", "^", "{title}: jalan", "title:jalan", "jalan:", "(", ")", "\\", "%", "_", "😀", "ä",
           "metadata_modified:[2025-13-45 TO *]", "metadata_modified:[x TO y]", "a" * 200]  # fmt: skip


def _envelope(client: Client, q: str) -> None:
    response = client.get("/api/3/action/package_search", {"q": q})
    body = response.json()
    assert set(body) >= {"help", "success"}, q
    if body["success"]:
        assert response.status_code == 200 and isinstance(body["result"]["count"], int), q
    else:
        assert response.status_code == 409 and body["error"]["__type"] == "Search Query Error", q
    assert client.get("/data/", {"q": q}).status_code == 200, q


def test_special_characters_never_error(two: Any, settings: Any) -> None:
    settings.RATELIMIT_ENABLE = False
    client = Client()
    for q in SPECIAL:
        _envelope(client, q)
    assert found(client, '"jalan" NEAR OR*') == []
    assert found(client, "-jalan*") == [two[1].name]


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40) | st.lists(st.sampled_from([*SPECIAL[:20], "jalan", " "]), max_size=5).map("".join))
def test_any_q_answers_in_ckan_envelope(city: Any, settings: Any, q: str) -> None:
    settings.RATELIMIT_ENABLE = False
    _envelope(Client(), q)


def test_a_query_over_200_characters_is_refused_with_a_clear_error(two: Any) -> None:
    client = Client()
    response = client.get("/api/3/action/package_search", {"q": "jalan " * 40})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Search Query is invalid: q is longer than 200 characters"
    assert page_names(client, "kota " * 40 + "jalan") == [two[1].name]  # the page reads the first 200


def test_rows_written_in_bulk_are_found_after_reindex_and_integrity_says_so(two: Any) -> None:
    dinkes = Unit.objects.get(slug="dinkes")
    Dataset.objects.bulk_create([
        Dataset(name=f"tabel-{i}", title=f"Tabel gizi {i}", notes="Data uji.", unit=dinkes, steward="Diskominfo",
                state=State.PUBLISHED, metadata_modified=datetime(2026, 1, 1, tzinfo=UTC))
        for i in range(3)
    ])  # fmt: skip
    client = Client()
    assert found(client, "gizi") == []  # words are written by the services
    problems = [f for f in find_problems() if f.check == "data.search_index"]
    call_command("data", "reindex")
    assert found(client, "gizi") == ["tabel-2", "tabel-1", "tabel-0"]
    assert [f for f in find_problems() if f.check == "data.search_index"] == []
    from django.db import connection

    if connection.vendor == "sqlite":
        assert len(problems) == 3 and {p.message for p in problems} == {
            "published dataset missing from the search index"
        }
