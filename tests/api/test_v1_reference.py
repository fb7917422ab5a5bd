"""Categories, wilayah, the API's documents, its languages and its error shape for addresses and methods."""

from __future__ import annotations

import re

import pytest

from balai.api.v1.messages import MESSAGES, negotiate_language
from balai.api.v1.schemas import PublicStatusValue, QuestionTypeValue, ReportKindValue, StatusValue
from balai.core.models import Wilayah, WilayahLevel
from balai.lapor.models import Category, CategoryQuestion, QuestionType, ReportKind, Status

from .v1_support import BASE, error_of, json_of

pytestmark = pytest.mark.django_db


def test_categories_come_with_their_questions_and_choices(client, city):
    CategoryQuestion.objects.create(
        category=Category.objects.get(slug="jalan-rusak"), code="lama", label="Sejak kapan?", order=5,
        is_active=False,
    )  # fmt: skip
    Category.objects.filter(slug="pungli").update(is_active=False)

    body = json_of(client.get(f"{BASE}/categories"))

    slugs = [c["slug"] for c in body]
    assert "jalan-rusak" in slugs and "pungli" not in slugs
    road = next(c for c in body if c["slug"] == "jalan-rusak")
    assert road["questions"] == [
        {
            "code": "ukuran",
            "label": "Seberapa besar kerusakannya?",
            "description": "",
            "datatype": "singlevaluelist",
            "required": False,
            "order": 1,
            "values": [
                {"key": "kecil", "name": "Kecil (kurang dari 1 meter)"},
                {"key": "sedang", "name": "Sedang (1–3 meter)"},
                {"key": "besar", "name": "Besar (lebih dari 3 meter atau seluruh badan jalan)"},
            ],
        }
    ]


def test_categories_cost_the_same_queries_however_many(client, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        json_of(client.get(f"{BASE}/categories"))


def test_the_kecamatan_are_the_pemdas_own(client, city):
    _manado()

    body = json_of(client.get(f"{BASE}/wilayah/kecamatan"))

    assert len(body) == 8
    assert {"code": "71.72.06", "name": "Girian", "display_name": "Kec. Girian"} in body
    assert all(k["code"].startswith("71.72.") for k in body)


def test_kelurahan_are_found_by_kecamatan_and_by_name_only_within_the_pemda(client, city):
    _manado()

    girian = json_of(client.get(f"{BASE}/wilayah/kelurahan?kecamatan=71.72.06"))
    by_name = json_of(client.get(f"{BASE}/wilayah/kelurahan?q=girian bawah"))
    elsewhere = json_of(client.get(f"{BASE}/wilayah/kelurahan?kecamatan=71.71.01"))
    everything = json_of(client.get(f"{BASE}/wilayah/kelurahan"))

    assert len(girian) == 7 and {k["kecamatan"] for k in girian} == {"71.72.06"}
    assert by_name == [
        {"code": "71.72.06.1003", "name": "Girian Bawah", "display_name": "Kel. Girian Bawah", "kind": "kelurahan",
         "kecamatan": "71.72.06"},
    ]  # fmt: skip
    assert elsewhere == []
    assert len(everything) == 69 and not any(k["code"].startswith("71.71.") for k in everything)


@pytest.mark.parametrize(
    ("language", "message"),
    [("id", "Masukkan nilai yang valid."), ("en", "Enter a valid value.")],
)
def test_a_malformed_kecamatan_code_is_a_validation_error(client, city, language, message):
    response = client.get(f"{BASE}/wilayah/kelurahan?kecamatan=girian", HTTP_ACCEPT_LANGUAGE=language)

    assert error_of(response, 422, "validation_error")["fields"] == {"kecamatan": [message]}


def _manado() -> None:
    """Another city's wilayah in the same table, as after importing a whole province."""
    manado = Wilayah.objects.create(code="71.71", name="Kota Manado", level=WilayahLevel.KABUPATEN_KOTA)
    kec = Wilayah.objects.create(code="71.71.01", name="Bunaken", level=WilayahLevel.KECAMATAN, parent=manado)
    Wilayah.objects.create(code="71.71.01.1001", name="Girian Manado", level=WilayahLevel.DESA_KELURAHAN, parent=kec)


# --- documents --------------------------------------------------------------------------------------------------


def test_the_openapi_document_is_3_1_and_describes_every_endpoint(client, city):
    document = json_of(client.get(f"{BASE}/openapi.json"))

    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Balai API" and document["info"]["version"] == "1"
    assert {(path, method) for path, item in document["paths"].items() for method in item} == {
        ("/api/v1/categories", "get"),
        ("/api/v1/wilayah/kecamatan", "get"),
        ("/api/v1/wilayah/kelurahan", "get"),
        ("/api/v1/reports", "get"),
        ("/api/v1/reports", "post"),
        ("/api/v1/reports/{code}", "get"),
        ("/api/v1/reports/{code}/clarification", "post"),
        ("/api/v1/reports/{code}/rating", "post"),
    }
    submit = document["paths"]["/api/v1/reports"]["post"]
    assert "multipart/form-data" in submit["requestBody"]["content"]
    assert {p["name"] for p in submit["parameters"]} == {"Idempotency-Key"}
    assert {"ApiKeyBearer", "ApiKeyHeader", "ReporterToken"} <= set(document["components"]["securitySchemes"])


def test_the_docs_page_is_plain_html_that_the_content_security_policy_allows(client, city):
    response = client.get(f"{BASE}/docs", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "JSON API documentation" in page
    assert "<script" not in page and " style=" not in page
    assert "cdn" not in page.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for heading in ("POST /api/v1/reports", "GET /api/v1/reports/{code}", "POST /api/v1/reports/{code}/rating"):
        assert heading in page
    assert "Idempotency-Key: 5b0f6a0e" in page
    assert re.search(r'<a href="/api/v1/openapi\.json">', page)


def test_the_docs_page_is_in_indonesian_by_default(client, city):
    page = client.get(f"{BASE}/docs").content.decode()

    assert "Dokumentasi API JSON" in page
    assert '<html lang="id">' in page


def test_the_docs_pages_examples_use_the_sites_address(client, city, settings):
    settings.SITE_URL = "https://lapor.bitungkota.go.id"

    page = client.get(f"{BASE}/docs", HTTP_HOST="127.0.0.1").content.decode()

    assert "curl https://lapor.bitungkota.go.id/api/v1/reports/BTG-7K3Q-9XFA" in page
    assert "127.0.0.1" not in page


def test_the_api_root_points_to_its_documents(client, city):
    body = json_of(client.get(f"{BASE}/"))

    assert body["openapi"].endswith("/api/v1/openapi.json") and body["docs"].endswith("/api/v1/docs")


# --- errors and languages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [("id", "Alamat ini tidak ada di API."), ("en", "There is no such address in the API.")],
)
def test_an_unknown_address_is_a_json_404(client, city, language, message):
    response = client.get(f"{BASE}/laporan/semua", HTTP_ACCEPT_LANGUAGE=language)

    assert error_of(response, 404, "not_found")["message"] == message
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(client, city):
    response = client.delete(f"{BASE}/reports", HTTP_ACCEPT_LANGUAGE="en")

    assert (
        error_of(response, 405, "method_not_allowed")["message"] == "The method DELETE cannot be used at this address."
    )
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_without_a_pemda_profile_the_api_says_so(client, db):
    error = error_of(client.get(f"{BASE}/categories", HTTP_ACCEPT_LANGUAGE="en"), 503, "not_configured")

    assert error["message"] == "The Pemda profile is not configured yet, so this API cannot be used."


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "id"),
        ("en", "en"),
        ("en-US,en;q=0.9,id;q=0.8", "en"),
        ("id-ID,id;q=0.9,en-US;q=0.8", "id"),
        ("in-ID", "id"),  # older Android
        ("fr-FR,fr;q=0.9", "id"),
        ("fr, en;q=0.5, id;q=0.7", "id"),
        ("en;q=0, id;q=0.1", "id"),
        ("*", "id"),
        ("en;q=abc", "id"),
    ],
)
def test_the_language_follows_accept_language_with_indonesian_first(header, language):
    assert negotiate_language(header) == language


def test_every_message_has_both_languages_with_the_same_placeholders():
    for code, (indonesian, english) in MESSAGES.items():
        assert indonesian and english and indonesian != english, code
        assert sorted(re.findall(r"%\(\w+\)\w", indonesian)) == sorted(re.findall(r"%\(\w+\)\w", english)), code


def test_the_documented_values_are_the_models_values():
    assert set(ReportKindValue.__args__) == set(ReportKind.values)
    assert set(StatusValue.__args__) == set(Status.values)
    assert set(PublicStatusValue.__args__) == set(Status.values) - {Status.DIARSIPKAN}
    assert set(QuestionTypeValue.__args__) == set(QuestionType.values)
