"""The CKAN Action API, read by the real `ckanapi` client against a live server and by CKAN's harvester's own
paging (rows of 100, `start`, `sort=id asc`, an `fq` on metadata_modified); envelope, field names and types."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ckanapi import NotFound, RemoteCKAN, ValidationError
from django.core.cache import cache
from django.test import Client

from balai.core.models import Unit
from balai.data.models import Dataset, Group, State

from .conftest import a_group, published_dataset

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def bulk_datasets(count: int, unit: Unit, *, state: str = State.PUBLISHED) -> list[Dataset]:
    """`count` published datasets, one hour apart in metadata_modified from BASE (a test's bulk helper)."""
    rows = [
        Dataset(
            name=f"tabel-{i:04d}", title=f"Tabel {i}", notes="Data uji.", unit=unit, steward="Diskominfo",
            state=state, metadata_modified=BASE + timedelta(hours=i), frequency="yearly",
        )
        for i in range(count)
    ]  # fmt: skip
    return Dataset.objects.bulk_create(rows)


def _ckan(live_server: Any) -> RemoteCKAN:
    return RemoteCKAN(live_server.url, user_agent="balai-tests/1.0 (ckanapi)")


def test_ckanapi_reads_every_action(live_server: Any, officer_dinkes: Any, walidata: Any) -> None:
    group = a_group()
    dataset = published_dataset(officer_dinkes, walidata, groups=[group])
    published_dataset(officer_dinkes, walidata, title="Jumlah bidan", tags=["bidan"])
    draft = bulk_datasets(1, Unit.objects.get(slug="dinas-pupr"), state=State.DRAFT)[0]
    ckan = _ckan(live_server)

    status = ckan.action.status_show()
    assert status["ckan_version"].startswith("2.")
    assert ckan.action.package_list() == ["jumlah-bidan", "jumlah-puskesmas-per-kecamatan"]

    shown = ckan.action.package_show(id=str(dataset.uuid))
    assert shown == ckan.action.package_show(id=dataset.name)
    assert (shown["id"], shown["name"], shown["title"]) == (str(dataset.uuid), dataset.name, dataset.title)
    assert shown["organization"]["name"] == "dinkes" and shown["owner_org"] == shown["organization"]["id"]
    assert [g["name"] for g in shown["groups"]] == ["kesehatan"]
    assert [t["name"] for t in shown["tags"]] == ["kesehatan", "puskesmas"]
    assert {"key": "frequency", "value": "yearly"} in shown["extras"]
    assert isinstance(shown["num_resources"], int) and shown["private"] is False
    assert datetime.fromisoformat(shown["metadata_modified"]) <= datetime.now(UTC).replace(tzinfo=None)
    resource = shown["resources"][0]
    assert (resource["format"], resource["package_id"]) == ("CSV", shown["id"])
    assert resource["url"].startswith(live_server.url) and resource["url"].endswith(f"/data/unduh/{resource['id']}/")
    assert ckan.action.resource_show(id=resource["id"])["name"] == resource["name"]

    assert ckan.action.organization_list() == ["dinkes"]
    org = ckan.action.organization_show(id="dinkes", include_datasets=True)
    assert org["package_count"] == 2 and {p["name"] for p in org["packages"]} == set(ckan.action.package_list())
    assert ckan.action.organization_show(id=org["id"])["name"] == "dinkes"
    assert ckan.action.group_list(all_fields=True)[0] | {"created": None} == {
        **ckan.action.group_show(id="kesehatan"), "created": None,
    }  # fmt: skip
    assert ckan.action.group_show(id=str(group.uuid))["package_count"] == 1
    assert ckan.action.tag_list() == ["bidan", "kesehatan", "puskesmas"]

    with pytest.raises(NotFound):
        ckan.action.package_show(id=draft.name)
    with pytest.raises(NotFound):
        ckan.action.organization_show(id="tidak-ada")
    with pytest.raises(ValidationError):
        ckan.action.package_search(rows="banyak")


def test_a_harvester_pages_through_every_dataset_once(live_server: Any, city: Any) -> None:
    made = bulk_datasets(260, Unit.objects.get(slug="dinkes"))
    ckan = _ckan(live_server)
    since = "metadata_modified:[2026-01-01T00:00:00Z TO *]"
    seen: list[str] = []
    start = 0
    while True:
        page = ckan.action.package_search(fq=since, rows=100, start=start, sort="id asc")
        assert page["count"] == 260
        ids = [p["id"] for p in page["results"]]
        if not ids:
            break
        assert not set(ids) & set(seen), "a page repeated a dataset"
        seen.extend(ids)
        start += 100
    assert seen == sorted(str(d.uuid) for d in made)
    later = ckan.action.package_search(fq="metadata_modified:[2026-01-10T00:00:00Z TO *]", rows=1000)
    assert later["count"] == 260 - 9 * 24


def _get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(path, params)
    return response.status_code, response.json()


def test_both_addresses_answer_get_and_post_in_the_envelope(officer_dinkes: Any, walidata: Any) -> None:
    published_dataset(officer_dinkes, walidata)
    client = Client()
    status, body = _get(client, "/api/3/action/package_list")
    assert status == 200 and body["success"] is True and body["result"] == ["jumlah-puskesmas-per-kecamatan"]
    assert body["help"].endswith("/api/3/action/help_show?name=package_list")
    posted = client.post(
        "/api/action/package_search", data='{"q": "puskesmas", "rows": 5}', content_type="application/json"
    )
    assert posted.status_code == 200 and posted.json()["result"]["count"] == 1
    status, body = _get(client, "/api/3/action/package_show", id="tidak-ada")
    assert status == 404 and body == {
        "help": body["help"], "success": False, "error": {"__type": "Not Found Error", "message": "Not found"},
    }  # fmt: skip
    status, body = _get(client, "/api/3/action/package_create")
    assert status == 400 and body["success"] is False and "Action name not known" in body["error"]["message"]


def test_search_filters_sorts_and_counts_facets(officer_dinkes: Any, officer_pupr: Any, walidata: Any) -> None:
    group = a_group()
    published_dataset(officer_dinkes, walidata, groups=[group])
    published_dataset(officer_pupr, walidata, unit_slug="dinas-pupr", title="Panjang jalan", tags=["jalan"])
    client = Client()

    def search(**params: Any) -> Any:
        status, body = _get(client, "/api/3/action/package_search", **params)
        assert status == 200, body
        return body["result"]

    assert [p["name"] for p in search(fq="organization:dinas-pupr")["results"]] == ["panjang-jalan"]
    assert search(fq='tags:"puskesmas"')["count"] == 1
    assert search(fq="groups:kesehatan +res_format:CSV")["count"] == 1
    assert search(fq="-organization:dinkes")["count"] == 1
    assert search(q="jalan")["count"] == 1 and search(q="tags:jalan")["count"] == 1
    assert [p["name"] for p in search(sort="name asc")["results"]] == [
        "jumlah-puskesmas-per-kecamatan",
        "panjang-jalan",
    ]
    assert [p["name"] for p in search(sort="name desc", rows=1)["results"]] == ["panjang-jalan"]
    assert search(sort="name asc", rows=1, start=1)["results"][0]["name"] == "panjang-jalan"
    facets = search(**{"facet.field": '["organization", "tags", "res_format"]'})
    assert facets["facets"]["organization"] == {"dinas-pupr": 1, "dinkes": 1}
    assert facets["facets"]["res_format"] == {"CSV": 2}
    assert {i["name"] for i in facets["search_facets"]["tags"]["items"]} == {"jalan", "kesehatan", "puskesmas"}
    status, body = _get(client, "/api/3/action/package_search", fq="owner:x")
    assert status == 409 and body["error"]["__type"] == "Search Query Error"
    status, body = _get(client, "/api/3/action/package_search", sort="nothing asc")
    assert status == 409


def test_rows_are_capped_at_a_thousand(city: Any) -> None:
    bulk_datasets(3, Unit.objects.get(slug="dinkes"))
    status, body = _get(Client(), "/api/3/action/package_search", rows=5000)
    assert status == 200 and body["result"]["count"] == 3
    assert len(body["result"]["results"]) == 3
    from balai.data.ckan import MAX_ROWS, _int

    assert _int({"rows": "5000"}, "rows", 10, high=MAX_ROWS) == 1000


def test_the_api_is_rate_limited_per_address(city: Any, settings: Any) -> None:
    settings.OPEN311_RATELIMIT_PUBLIC = "3/m"
    cache.clear()
    client = Client()
    codes = [client.get("/api/3/action/package_list").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/3/action/package_list")
    assert refused.json()["error"]["__type"] == "Rate Limit Error" and int(refused["Retry-After"]) >= 1


def test_a_dataset_id_is_a_uuid(city: Any) -> None:
    dataset = bulk_datasets(1, Unit.objects.get(slug="dinkes"))[0]
    assert uuid.UUID(_get(Client(), "/api/3/action/package_show", id=dataset.name)[1]["result"]["id"]) == dataset.uuid
    assert Group.objects.count() == 0


def test_package_search_reads_the_same_queries_for_ten_or_a_hundred_rows(city: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bulk_datasets(120, Unit.objects.get(slug="dinkes"))
    client = Client()
    reads = {}
    for rows in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/3/action/package_search", {"rows": rows, "sort": "id asc"}).status_code == 200
        # The catalogue's own reads (the rate limit's counter in the cache is counted apart).
        reads[rows] = [q["sql"] for q in queries.captured_queries if '"data_' in q["sql"]]
    assert len(reads[100]) == len(reads[10]) == 5
