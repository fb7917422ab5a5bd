"""POST requests.{xml,json}: an app files a report with its api_key; every bad parameter is a 400 that says why."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from balai.api.services import apikey_revoke
from balai.core.models import AuditEvent, Unit, Wilayah, WilayahLevel
from balai.lapor.models import CategoryQuestion, Channel, QuestionType, Report, ReportEvent, Status
from tests.api.open311_support import (
    BASE,
    WANGURER_BARAT,
    api_client,
    assert_matches_schema,
    json_of,
    new_key,
    request_params,
    xml_data,
    xml_of,
)

pytestmark = pytest.mark.django_db

BOUNDARIES = Path(__file__).resolve().parent.parent / "fixtures" / "bitung-kelurahan.geojson"


def post(params: dict, fmt: str = "json", **headers):
    return api_client(**headers).post(f"{BASE}/requests.{fmt}", params)


def errors_of(response, status: int = 400) -> list[str]:
    errors = json_of(response, status)
    assert_matches_schema(errors, "errors")
    assert {e["code"] for e in errors} == {status}
    return [e["description"] for e in errors]


def test_a_report_from_an_app_enters_the_lifecycle_as_received_with_its_channel_and_client(city):
    app, key = new_key("Aplikasi Bitung Smart")

    created = json_of(post(request_params(key)))

    assert_matches_schema(created, "request_created")
    (answer,) = created
    report = Report.objects.get(code=answer["service_request_id"])
    assert answer["account_id"] is None and "3 working days" in answer["service_notice"]
    assert report.status == Status.DITERIMA
    assert (report.channel, report.api_client) == (Channel.API, app)
    assert report.category.slug == "jalan-rusak"
    assert report.kelurahan_id == WANGURER_BARAT and report.kecamatan_id == "71.72.02"
    assert (report.latitude, report.longitude) == (Decimal("1.441200"), Decimal("125.161700"))
    assert report.address == "Jl. Sam Ratulangi depan SD Negeri 3"
    assert report.description == "Lubang besar di tengah jalan, sudah dua motor jatuh minggu ini."
    assert report.title == report.description
    assert report.answers == {"ukuran": "besar"}
    assert report.media_url == "https://foto.example.com/lubang.jpg"
    assert (report.reporter_name, report.reporter_email) == ("Maria Pangemanan", "maria.p@example.com")
    assert report.reporter_phone == "+6281234567890"
    assert report.is_anonymous is False and report.consent_at is not None
    assert report.verify_due_at is not None
    assert ReportEvent.objects.get(report=report).to_status == Status.DITERIMA


def test_every_submission_is_attributable_to_its_client_in_the_audit_trail(city):
    _app, key = new_key("Aplikasi Bitung Smart")

    code = json_of(post(request_params(key)))[0]["service_request_id"]

    audit = AuditEvent.objects.get(action="open311.request_create", object_id=code)
    assert audit.actor_label == "api:Aplikasi Bitung Smart"
    assert audit.changes["client"] == "Aplikasi Bitung Smart"
    assert audit.ip_address == "127.0.0.1"


def test_the_xml_answer_carries_the_same_request_id(city):
    _app, key = new_key()

    root = xml_of(post(request_params(key), fmt="xml"))

    assert root.tag == "service_requests"
    (request,) = xml_data(root)
    assert set(request) == {"service_request_id", "service_notice", "account_id"}
    assert Report.objects.filter(code=request["service_request_id"]).exists()
    assert request["account_id"] is None


def test_a_report_needs_only_a_service_a_kelurahan_and_a_description(city):
    _app, key = new_key()
    params = {
        "api_key": key,
        "service_code": "sampah",
        "address_id": "7172021001",  # the code without dots is read too
        "description": "Sampah menumpuk tiga hari di depan pasar.",
    }

    code = json_of(post(params))[0]["service_request_id"]

    report = Report.objects.get(code=code)
    assert report.kelurahan_id == WANGURER_BARAT
    assert report.latitude is None and report.address == ""
    # No name: anonymous, the safe choice; no personal data, so no consent was needed.
    assert report.is_anonymous is True and report.reporter_name == "" and report.consent_at is None


def test_a_long_first_line_becomes_a_title_cut_at_a_word(city):
    _app, key = new_key()
    description = "Jalan " * 40 + "\nBaris kedua."

    code = json_of(post(request_params(key, description=description)))[0]["service_request_id"]

    title = Report.objects.get(code=code).title
    assert len(title) <= 150 and title.endswith("Jalan…")


def test_multivaluelist_answers_come_as_attribute_code_brackets(city):
    CategoryQuestion.objects.create(
        category_id=CategoryQuestion.objects.get(code="ukuran").category_id,
        code="dampak", label="Apa dampaknya?", datatype=QuestionType.MULTI,
        values=[{"key": "macet", "name": "Macet"}, {"key": "kecelakaan", "name": "Kecelakaan"}],
    )  # fmt: skip
    _app, key = new_key()

    code = json_of(post(request_params(key, **{"attribute[dampak][]": ["macet", "kecelakaan"]})))[0][
        "service_request_id"
    ]

    assert Report.objects.get(code=code).answers == {"ukuran": "besar", "dampak": ["macet", "kecelakaan"]}


def test_number_answers_are_validated_as_on_the_web_form(city):
    _app, key = new_key()
    params = request_params(key, service_code="banjir", **{"attribute[ukuran]": None})

    code = json_of(post({**params, "attribute[tinggi_air]": "30,5"}))[0]["service_request_id"]
    assert Report.objects.get(code=code).answers == {"tinggi_air": 30.5}

    assert errors_of(post({**params, "attribute[tinggi_air]": "selutut"})) == ["attribute[tinggi_air]: Enter a number."]


def test_the_configured_jurisdiction_is_accepted(city, settings):
    settings.SITE_URL = "https://lapor.bitungkota.go.id"
    _app, key = new_key()

    assert post(request_params(key, jurisdiction_id="lapor.bitungkota.go.id")).status_code == 200
    assert "jurisdiction_id" in errors_of(post(request_params(key, jurisdiction_id="manadokota.go.id")), 404)[0]
    assert Report.objects.count() == 1


def test_no_csrf_token_is_needed_the_api_key_authenticates(city):
    _app, key = new_key()
    client = api_client()
    client.cookies["csrftoken"] = "a" * 32  # as if a browser had one

    assert client.post(f"{BASE}/requests.json", request_params(key)).status_code == 200


# --- 403 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_an_api_key_nothing_is_created(city, fmt):
    response = post(request_params(None), fmt=fmt)

    if fmt == "json":
        assert "api_key is required" in errors_of(response, 403)[0]
    else:
        root = xml_of(response, 403)
        assert root.tag == "errors" and root.find("error/code").text == "403"
    assert not Report.objects.exists()


def test_an_unknown_or_revoked_key_is_refused(city):
    app, key = new_key()
    apikey_revoke(client=app)

    assert "invalid or has been revoked" in errors_of(post(request_params(key)), 403)[0]
    assert "invalid" in errors_of(post(request_params("blk_tebakan")), 403)[0]
    assert not Report.objects.exists()


# --- 400 and 404 ----------------------------------------------------------------------------------


def test_a_missing_service_code_is_a_400_and_an_unknown_one_a_404(city):
    _app, key = new_key()

    assert errors_of(post(request_params(key, service_code=None))) == ["service_code is required."]
    assert errors_of(post(request_params(key, service_code="jalan-tol")), 404) == [
        "service_code jalan-tol was not found."
    ]


def test_a_location_is_required(city):
    _app, key = new_key()
    params = request_params(key, lat=None, long=None, address_string=None, address_id=None)

    assert "A location is required: lat and long, address_string or address_id." in errors_of(post(params))


@pytest.mark.parametrize(
    "location",
    [{"lat": "1.4412", "long": "125.1617"}, {"address_string": "Jl. Sam Ratulangi"}],
    ids=["lat-long", "address_string"],
)
def test_without_address_id_a_report_is_taken_with_its_kelurahan_to_be_set(publish_on_arrival, location):
    _app, key = new_key()
    params = {**request_params(key, lat=None, long=None, address_string=None, address_id=None), **location}

    (created,) = json_of(post(params))

    report = Report.objects.get(code=created["service_request_id"])
    assert (report.kelurahan_id, report.kecamatan_id, report.status) == (None, None, Status.DITERIMA)
    shown = json_of(api_client().get(f"{BASE}/requests/{report.code}.json"))[0]
    assert_matches_schema([shown], "requests")
    assert shown["address_id"] is None


def test_a_point_finds_its_kelurahan_from_the_imported_boundaries(city):
    call_command("wilayah", "boundaries", str(BOUNDARIES), stdout=io.StringIO())
    _app, key = new_key()
    params = request_params(key, lat="1.4412", long="125.1617", address_string=None, address_id=None)

    (created,) = json_of(post(params))

    report = Report.objects.get(code=created["service_request_id"])
    assert (report.kelurahan_id, report.kecamatan_id) == (WANGURER_BARAT, "71.72.02")
    assert (report.latitude, report.longitude) == (Decimal("1.441200"), Decimal("125.161700"))


def test_a_point_outside_the_pemda_is_refused_even_with_boundaries(city):
    call_command("wilayah", "boundaries", str(BOUNDARIES), stdout=io.StringIO())
    _app, key = new_key()
    params = request_params(key, lat="1.4412", long="124.84", address_string=None, address_id=None)

    assert errors_of(post(params)) == ["lat/long 1.441200,124.840000 is outside the area of Kota Bitung."]
    assert not Report.objects.exists()


def test_a_pemda_with_a_single_kelurahan_needs_no_address_id(city):
    others = Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN).exclude(code=WANGURER_BARAT)
    Unit.objects.filter(wilayah__in=others).delete()
    others.delete()
    _app, key = new_key()

    code = json_of(post(request_params(key, address_id=None)))[0]["service_request_id"]

    assert Report.objects.get(code=code).kelurahan_id == WANGURER_BARAT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lat": "1.44", "long": None}, "lat and long go together: send both or neither."),
        ({"lat": "utara"}, "lat must be a decimal number of degrees between -90 and 90 (WGS84)."),
        ({"lat": "NaN"}, "lat must be a decimal number of degrees between -90 and 90 (WGS84)."),
        ({"long": "181"}, "long must be a decimal number of degrees between -180 and 180 (WGS84)."),
        ({"lat": "-6.2", "long": "106.8"}, "lat/long -6.200000,106.800000 is outside the area of Kota Bitung."),
        ({"address_id": "71.71.01.1001"}, "address_id 71.71.01.1001 is not the Kemendagri code of a kelurahan"),
        ({"address_id": "71.72.02"}, "address_id 71.72.02 is not the Kemendagri code of a kelurahan"),
        ({"description": "Lubang <b>besar</b> sekali di jalan ini."}, "description must be plain text"),
        ({"description": "<script>alert(1)</script> lubang di jalan"}, "description must be plain text"),
        ({"description": "x" * 4001}, "description is too long: at most 4000 characters (it has 4001)."),
        ({"description": "Lubang."}, "description is too short: at least 20 characters"),
        ({"description": None}, "description is required"),
        ({"address_string": "x" * 256}, "address_string is too long: at most 255 characters"),
        ({"first_name": "<i>Maria</i>"}, "first_name must be plain text"),
        ({"email": "maria-at-example"}, "email is not a valid email address."),
        ({"phone": "12"}, "phone: "),
        ({"media_url": "javascript:alert(1)"}, "media_url must be an http or https URL"),
        ({"media_url": "ftp://example.com/a.jpg"}, "media_url must be an http or https URL"),
        ({"attribute[ukuran]": "raksasa"}, "attribute[ukuran]: Choose from the list."),
        ({"attribute[ukuran][]": ["kecil", "besar"], "attribute[ukuran]": None}, "attribute[ukuran] takes one value."),
        ({"attribute[warna]": "merah"}, "attribute[warna]: the service jalan-rusak has no attribute warna."),
        ({"attribute": "besar"}, "attribute is not an attribute: write attribute[code]."),
    ],
)
def test_bad_parameters_are_a_400_that_names_them(city, overrides, message):
    _app, key = new_key()

    errors = errors_of(post(request_params(key, **overrides)))

    assert any(e.startswith(message) for e in errors), errors
    assert not Report.objects.exists()


def test_plain_text_with_angle_brackets_is_not_mistaken_for_html(city):
    _app, key = new_key()

    code = json_of(post(request_params(key, description="Air naik > 30 cm, lubang < 1 meter dari trotoar.")))[0][
        "service_request_id"
    ]

    assert Report.objects.get(code=code).description == "Air naik > 30 cm, lubang < 1 meter dari trotoar."


def test_every_problem_is_named_at_once(city):
    _app, key = new_key()

    errors = errors_of(post(request_params(key, lat="utara", email="x", description="<p>Lubang di jalan raya</p>")))

    assert len(errors) == 3


def test_a_required_question_must_be_answered(city):
    CategoryQuestion.objects.filter(code="ukuran").update(required=True)
    _app, key = new_key()

    assert errors_of(post(request_params(key, **{"attribute[ukuran]": None}))) == [
        "attribute[ukuran]: This question needs an answer."
    ]


def test_contact_is_required_when_the_pemda_wants_to_follow_up_every_report(city):
    city.allow_anonymous_without_contact = False
    city.save()
    _app, key = new_key()

    assert any("email or phone is required" in e for e in errors_of(post(request_params(key, email=None, phone=None))))
    assert post(request_params(key, email=None)).status_code == 200


def test_control_characters_are_a_400_not_a_database_error(city):
    _app, key = new_key()

    assert errors_of(post(request_params(key, description="Lubang besar\x00 di tengah jalan raya."))) == [
        "description contains control characters."
    ]


def test_a_json_body_is_refused_with_a_hint_to_form_encode(city):
    _app, key = new_key()

    response = api_client().post(
        f"{BASE}/requests.json?api_key={key}", data=request_params(key), content_type="application/json"
    )

    assert "form-encoded" in errors_of(response)[0]


def test_errors_are_in_indonesian_for_an_indonesian_client(city):
    _app, key = new_key()

    response = api_client(HTTP_ACCEPT_LANGUAGE="id").post(
        f"{BASE}/requests.json", request_params(key, **{"attribute[ukuran]": "raksasa"})
    )

    assert response["Content-Language"] == "id"
    assert "attribute[ukuran]" in errors_of(response)[0]
