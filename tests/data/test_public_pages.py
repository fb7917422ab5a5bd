"""The public catalogue: search and filters by organisation, group, tag and format; the dataset page with a preview
of the first rows, its dictionary and download counts; DCAT JSON-LD; drafts stay out; the list does not grow in
queries with the catalogue."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from balai.data.models import Dataset

from .conftest import a_group, draft_with_file, published_dataset

pytestmark = pytest.mark.django_db


def _titles(response: Any) -> list[str]:
    return [d.title for d in response.context["datasets"]]


def test_the_catalogue_finds_and_filters(officer_dinkes: Any, officer_pupr: Any, walidata: Any) -> None:
    group = a_group()
    published_dataset(officer_dinkes, walidata, groups=[group])
    published_dataset(
        officer_pupr, walidata, unit_slug="dinas-pupr", title="Panjang jalan kota", tags=["jalan"], notes="Jalan kota."
    )
    draft_with_file(officer_pupr, unit_slug="dinas-pupr", title="Jembatan rusak")
    client = Client()
    assert sorted(_titles(client.get("/data/"))) == ["Jumlah puskesmas per kecamatan", "Panjang jalan kota"]
    assert _titles(client.get("/data/", {"q": "jalan"})) == ["Panjang jalan kota"]
    assert _titles(client.get("/data/", {"q": "puskesmas kecamatan"})) == ["Jumlah puskesmas per kecamatan"]
    assert _titles(client.get("/data/", {"organisasi": "dinas-pupr"})) == ["Panjang jalan kota"]
    assert _titles(client.get("/data/", {"grup": "kesehatan"})) == ["Jumlah puskesmas per kecamatan"]
    assert _titles(client.get("/data/", {"tag": "jalan"})) == ["Panjang jalan kota"]
    assert _titles(client.get("/data/", {"format": "XLSX"})) == []
    assert len(_titles(client.get("/data/", {"format": "CSV"}))) == 2
    nothing = client.get("/data/", {"q": "zzz"}).content.decode()
    assert "Tidak ada dataset yang cocok" in nothing or "No dataset matches" in nothing


def test_the_dataset_page_previews_the_first_rows_and_counts_downloads(officer_dinkes: Any, walidata: Any) -> None:
    dataset = published_dataset(officer_dinkes, walidata)
    resource = dataset.resources.get()
    client = Client()
    page = client.get(f"/data/{dataset.name}/").content.decode()
    assert "<td>Lembeh Selatan</td>" in page and "<td>Madidir</td>" in page
    assert "Jumlah puskesmas (unit)" in page  # the dictionary
    download = client.get(f"/data/unduh/{resource.uuid}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).decode("utf-8-sig").startswith("kode_kecamatan,")
    client.get(f"/data/unduh/{resource.uuid}/")
    assert dataset.resources.get().download_count == 2
    assert client.get(f"/data/{dataset.name}/").context["downloads"] == 2


def test_a_draft_has_no_public_page_file_or_metadata(officer_dinkes: Any) -> None:
    dataset = draft_with_file(officer_dinkes)
    client = Client()
    assert client.get(f"/data/{dataset.name}/").status_code == 404
    assert client.get(f"/data/{dataset.name}/dcat.jsonld").status_code == 404
    assert client.get(f"/data/unduh/{dataset.resources.get().uuid}/").status_code == 404


def test_dcat_describes_the_dataset_and_the_catalogue(officer_dinkes: Any, walidata: Any) -> None:
    dataset = published_dataset(officer_dinkes, walidata)
    client = Client()
    response = client.get(f"/data/{dataset.name}/dcat.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    node = json.loads(response.content)
    assert node["@type"] == "dcat:Dataset" and node["dct:identifier"] == str(dataset.uuid)
    assert node["dct:publisher"]["foaf:name"] == "Dinas Kesehatan"
    assert node["dct:accrualPeriodicity"]["@id"].endswith("/ANNUAL")
    assert node["dcat:distribution"][0]["dcat:downloadURL"]["@id"].startswith("http://testserver/data/unduh/")
    catalogue = json.loads(client.get("/data/katalog.jsonld").content)
    assert catalogue["@type"] == "dcat:Catalog" and [d["@id"] for d in catalogue["dcat:dataset"]] == [node["@id"]]


def test_the_catalogue_page_costs_the_same_queries_for_more_datasets(
    officer_dinkes: Any, walidata: Any, django_assert_max_num_queries: Any
) -> None:
    published_dataset(officer_dinkes, walidata)
    client = Client()
    client.get("/data/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/data/")
    for i in range(5):
        published_dataset(officer_dinkes, walidata, title=f"Tabel {i}", groups=[a_group(f"g{i}", f"G{i}")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/data/")
    assert Dataset.objects.published().count() == 6
