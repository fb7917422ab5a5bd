"""Discovery, the service list and service definitions, in both formats, against the spec's schemas."""

from __future__ import annotations

import pytest

from balai.lapor.models import Category, CategoryQuestion, QuestionType
from tests.api.open311_support import (
    BASE,
    api_client,
    assert_matches_schema,
    assert_xml_says_what_json_says,
    json_of,
    xml_of,
)

pytestmark = pytest.mark.django_db


def test_discovery_names_the_v2_endpoint_its_formats_and_how_to_get_a_key(city, settings):
    settings.SITE_URL = "https://lapor.bitungkota.go.id"
    client = api_client()

    data = assert_xml_says_what_json_says(
        client.get("/open311/discovery.xml"), client.get("/open311/discovery.json"), "discovery"
    )

    assert_matches_schema(data, "discovery")
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://lapor.bitungkota.go.id/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert city.name in data["contact"]
    assert "key" in data["key_service"]


def test_a_demo_installation_announces_itself_as_a_test_endpoint(city):
    data = json_of(api_client().get("/open311/discovery.json"))
    assert data["endpoints"][0]["type"] == "test"

    city.is_demo = False
    city.save()
    data = json_of(api_client().get("/open311/discovery.json"))
    assert data["endpoints"][0]["type"] == "production"


def test_the_changeset_moves_when_a_question_changes(city, time_machine):
    before = json_of(api_client().get("/open311/discovery.json"))["changeset"]
    time_machine.move_to("2031-01-01 10:00 +0800")
    question = CategoryQuestion.objects.get(code="ukuran")
    question.required = True
    question.save()

    after = json_of(api_client().get("/open311/discovery.json"))["changeset"]

    assert after == "2031-01-01T10:00:00+08:00" and after > before


def test_services_are_the_active_categories_with_their_opd_as_group(city):
    Category.objects.filter(slug="lainnya").update(is_active=False)
    client = api_client()

    data = assert_xml_says_what_json_says(
        client.get(f"{BASE}/services.xml"), client.get(f"{BASE}/services.json"), "services"
    )

    assert_matches_schema(data, "services")
    by_code = {s["service_code"]: s for s in data}
    assert "lainnya" not in by_code
    assert set(by_code) == set(Category.objects.filter(is_active=True).values_list("slug", flat=True))
    pothole = by_code["jalan-rusak"]
    assert pothole["service_name"] == "Jalan rusak"
    assert pothole["type"] == "realtime"
    assert pothole["metadata"] is True
    assert pothole["group"] == "Dinas PUPR" or "PUPR" in pothole["group"]
    assert "jalan berlubang" in pothole["keywords"]
    assert by_code["sampah"]["metadata"] is False


def test_the_service_definition_lists_a_categorys_questions_as_attributes(city):
    client = api_client()

    data = assert_xml_says_what_json_says(
        client.get(f"{BASE}/services/jalan-rusak.xml"),
        client.get(f"{BASE}/services/jalan-rusak.json"),
        "service_definition",
    )

    assert_matches_schema(data, "service_definition")
    assert data["service_code"] == "jalan-rusak"
    (size,) = data["attributes"]
    assert size["variable"] is True
    assert (size["code"], size["datatype"], size["required"], size["order"]) == ("ukuran", "singlevaluelist", False, 1)
    assert size["description"] == "Seberapa besar kerusakannya?"
    assert [v["key"] for v in size["values"]] == ["kecil", "sedang", "besar"]


def test_number_questions_carry_their_help_text_as_datatype_description(city):
    data = json_of(api_client().get(f"{BASE}/services/banjir.json"))

    assert_matches_schema(data, "service_definition")
    (depth,) = data["attributes"]
    assert (depth["code"], depth["datatype"], depth["values"]) == ("tinggi_air", "number", [])
    assert depth["datatype_description"] == "Boleh perkiraan, misalnya 30."


def test_every_datatype_appears_in_order_and_inactive_questions_do_not(city):
    category = Category.objects.get(slug="sampah")
    for order, datatype in enumerate(QuestionType.values, start=1):
        values = [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}] if "list" in datatype else []
        CategoryQuestion.objects.create(
            category=category, code=f"q{order}", label=f"Pertanyaan {order}", datatype=datatype,
            order=order, values=values, required=order == 1,
        )  # fmt: skip
    CategoryQuestion.objects.create(category=category, code="lama", label="Tidak dipakai", is_active=False)
    client = api_client()

    data = assert_xml_says_what_json_says(
        client.get(f"{BASE}/services/sampah.xml"), client.get(f"{BASE}/services/sampah.json"), "service_definition"
    )

    assert_matches_schema(data, "service_definition")
    assert [a["datatype"] for a in data["attributes"]] == QuestionType.values
    assert [a["required"] for a in data["attributes"]][:2] == [True, False]
    assert "lama" not in {a["code"] for a in data["attributes"]}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_or_inactive_service_is_a_404_in_the_error_format(city, fmt):
    Category.objects.filter(slug="lainnya").update(is_active=False)
    client = api_client()

    for code in ("tidak-ada", "lainnya"):
        response = client.get(f"{BASE}/services/{code}.{fmt}")
        if fmt == "json":
            errors = json_of(response, 404)
            assert_matches_schema(errors, "errors")
            assert errors[0]["code"] == 404 and code in errors[0]["description"]
        else:
            root = xml_of(response, 404)
            assert root.tag == "errors"
            assert [(e.findtext("code"), code in e.findtext("description")) for e in root] == [("404", True)]


def test_the_configured_jurisdiction_is_accepted_and_any_other_is_a_404(city, settings):
    settings.SITE_URL = "https://lapor.bitungkota.go.id"
    client = api_client()

    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "lapor.bitungkota.go.id"}).status_code == 200
    errors = json_of(client.get(f"{BASE}/services.json", {"jurisdiction_id": "manadokota.go.id"}), 404)
    assert_matches_schema(errors, "errors")
    assert "jurisdiction_id" in errors[0]["description"]

    settings.OPEN311_JURISDICTION = "bitungkota.go.id"
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "bitungkota.go.id"}).status_code == 200
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "lapor.bitungkota.go.id"}).status_code == 404
