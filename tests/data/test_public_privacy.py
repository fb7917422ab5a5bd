"""No personal data in any public output of the open-data module: the catalogue and its search, every dataset page,
every file of every dataset (uploaded and generated from every module), DCAT, and every CKAN API action."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from balai.data import services
from balai.data.models import Dataset, Resource
from balai.lapor.models import Category
from tests.factories import make_report

from .conftest import published_dataset

pytestmark = pytest.mark.django_db

REPORTER = {
    "reporter_name": "Joko Susanto Wibisono",
    "reporter_email": "joko.wibisono@contoh.id",
    "reporter_phone": "+6281299991111",
}
SECRET_TITLE = "Pungli oleh petugas parkir bernama Budi Hartono"
SECRET_TEXT = "Nomor HP pelaku 0813 7777 2222, rumah di Jalan Kenari 9."


def _walk(client: Client) -> dict[str, str]:
    outputs = {
        "catalogue": client.get("/data/").content.decode(),
        "catalogue search": client.get("/data/", {"q": "laporan"}).content.decode(),
        "catalogue dcat": client.get("/data/katalog.jsonld").content.decode(),
    }
    for dataset in Dataset.objects.published():
        outputs[f"page {dataset.name}"] = client.get(f"/data/{dataset.name}/").content.decode()
        outputs[f"dcat {dataset.name}"] = client.get(f"/data/{dataset.name}/dcat.jsonld").content.decode()
        outputs[f"package_show {dataset.name}"] = client.get(
            "/api/3/action/package_show", {"id": dataset.name}
        ).content.decode()
    for resource in Resource.objects.filter(dataset__state="published"):
        response = client.get(f"/data/unduh/{resource.uuid}/")
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        if resource.format == "XLSX":
            import io

            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
            outputs[f"file {resource.uuid}"] = json.dumps(
                [list(r) for r in sheet.iter_rows(values_only=True)], default=str
            )
        else:
            outputs[f"file {resource.uuid}"] = body.decode("utf-8-sig")
        outputs[f"resource_show {resource.uuid}"] = client.get(
            "/api/3/action/resource_show", {"id": str(resource.uuid)}
        ).content.decode()
    for action in ("package_list", "organization_list", "group_list", "tag_list", "status_show"):
        outputs[action] = client.get(f"/api/3/action/{action}", {"all_fields": "true"}).content.decode()
    outputs["package_search"] = client.get(
        "/api/3/action/package_search", {"rows": 1000, "facet.field": '["organization","tags","groups","res_format"]'}
    ).content.decode()
    return outputs


def test_no_public_output_carries_personal_data(publish_on_arrival: Any, officer_dinkes: Any, walidata: Any) -> None:
    make_report(**REPORTER, address="Jalan Kenari 9")
    make_report(**REPORTER, title=SECRET_TITLE, description=SECRET_TEXT, is_confidential=True,
                category=Category.objects.get(slug="jalan-rusak"))  # fmt: skip
    published_dataset(officer_dinkes, walidata)
    services.generated_sync(timezone.now(), force=True)
    generated = Dataset.objects.exclude(generated_key="").count()
    assert generated >= 4  # the wilayah list, the report table, the two statistics tables
    outputs = _walk(Client())
    assert len(outputs) > 30
    private = [
        *REPORTER.values(), "Joko", SECRET_TITLE, "Budi Hartono", "0813 7777 2222", "Kenari",
        officer_dinkes.email, walidata.email, officer_dinkes.username, walidata.username,
    ]  # fmt: skip
    leaks = [(name, word) for name, text in outputs.items() for word in private if word in text]
    assert leaks == []
    report_file = next(v for k, v in outputs.items() if k.startswith("file ") and "jumlah_laporan" in v)
    assert report_file.splitlines()[1].endswith(",1,0")  # the public report counts; the rahasia one does not
