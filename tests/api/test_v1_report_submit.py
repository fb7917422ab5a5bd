"""POST /api/v1/reports: the web form's rules, the photo pipeline, optional API keys and the rate limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from balai.api.services import apikey_revoke
from balai.core.models import Wilayah, WilayahLevel
from balai.lapor.models import Category, CategoryQuestion, Channel, QuestionType, Report, ReportEvent, Status

from .v1_support import (
    BASE,
    GIRIAN_BAWAH,
    INSIDE,
    api_key,
    bearer,
    error_of,
    json_of,
    photo,
    report_fields,
    reports_count,
    submit,
)

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _fixed_time(time_machine):
    # Rate-limit windows follow the clock: a test must not straddle one.
    time_machine.move_to("2026-11-02 09:00:30 +0800", tick=False)


def test_a_citizen_without_a_key_submits_a_report_through_the_api(client, city):
    body = json_of(submit(client), 201)

    report = Report.objects.get(code=body["code"])
    assert report.channel == Channel.API
    assert report.api_client is None
    assert report.status == Status.DITERIMA
    assert report.reporter_phone == "+6281234567890"
    assert report.consent_at is not None
    assert body["reporter_token"] == report.reporter_token
    assert body["reporter_url"].endswith(f"/lacak/{report.code}/{report.reporter_token}/")
    assert body["status"] == {"value": "diterima", "label": "Diterima"}
    assert body["kelurahan"] == {"code": GIRIAN_BAWAH, "name": "Girian Bawah"}
    assert [event["status"]["value"] for event in body["timeline"]] == ["diterima"]
    assert ReportEvent.objects.filter(report=report).count() == 1


def test_the_answer_never_carries_the_reporters_identity(client, city):
    body = submit(client).content.decode()

    for secret in ("Budi", "budi.santoso@example.id", "0812", "+62812"):
        assert secret not in body


@pytest.mark.parametrize("how", ["bearer", "x-api-key"])
def test_a_client_with_a_key_is_recorded_on_the_report(client, city, how):
    api_client, secret = api_key()
    headers = bearer(secret) if how == "bearer" else {"HTTP_X_API_KEY": secret}

    body = json_of(submit(client, **headers), 201)

    report = Report.objects.get(code=body["code"])
    assert report.api_client == api_client
    assert report.channel == Channel.API
    api_client.refresh_from_db()
    assert api_client.last_used_at is not None


@pytest.mark.parametrize(
    ("language", "start"),
    [(None, "Kunci API ini tidak dikenal"), ("en", "This API key is not known")],
)
def test_an_unknown_key_is_refused_with_401(client, city, language, start):
    response = submit(client, language=language, **bearer("blk_bukan-kunci-yang-benar"))

    error = error_of(response, 401, "invalid_api_key")
    assert error["message"].startswith(start)
    assert response["WWW-Authenticate"] == "Bearer"
    assert reports_count() == 0


def test_another_authorization_scheme_is_refused(client, city):
    error_of(submit(client, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"), 401, "invalid_api_key")


@pytest.mark.parametrize(("language", "start"), [("id-ID,id;q=0.9", "Kunci API ini sudah dicabut"),
                                                 ("en-GB,en;q=0.8", "This API key has been revoked")])  # fmt: skip
def test_a_revoked_key_is_refused_with_403(client, city, language, start):
    api_client, secret = api_key()
    apikey_revoke(client=api_client)

    error = error_of(submit(client, language=language, HTTP_X_API_KEY=secret), 403, "api_key_revoked")

    assert error["message"].startswith(start)
    assert reports_count() == 0


def test_no_csrf_token_is_needed_even_from_a_browser_session(city, coordinator):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)

    body = json_of(submit(browser), 201)

    # The API ignores the session: a signed-in officer's submission is an anonymous citizen's like any other.
    report = Report.objects.get(code=body["code"])
    assert report.reporter_user is None


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Samsung"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (1.0, 26.0, 24.36), "E", (125.0, 11.0, 3.3)
    return exif


def test_photos_go_through_the_web_forms_pipeline_and_lose_their_gps(client, publish_on_arrival):
    original = photo("rumah-saya.jpg", width=3000, height=2000, exif=_gps_exif())
    assert Image.open(io.BytesIO(original.read())).getexif().get_ifd(GPS_IFD)
    original.seek(0)

    body = json_of(submit(client, photos=[original, photo("kedua.jpg")]), 201)

    report = Report.objects.get(code=body["code"])
    assert report.photo_count == 2 == len(body["photos"])
    stored = report.photos.all()[0]
    with stored.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    assert image.format == "JPEG"
    assert max(image.size) == 1600
    assert not image.getexif()
    assert "exif" not in image.info
    assert body["photos"][0]["url"].endswith(f"/foto/{stored.public_id}/")


def test_more_than_five_photos_are_refused(client, city):
    error = error_of(submit(client, photos=[photo(f"{n}.jpg") for n in range(6)], language="en"), 422,
                     "validation_error")  # fmt: skip

    assert error["fields"]["photos"] == ["You can attach at most 5 photos; you chose 6."]
    assert reports_count() == 0


def test_a_file_that_is_not_a_photo_is_refused_by_its_name(client, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("surat.pdf", b"%PDF-1.4 bukan foto", content_type="image/jpeg")

    error = error_of(submit(client, photos=[fake], language="en"), 422, "validation_error")

    assert error["fields"]["photos"][0].startswith("Photo 1 (surat.pdf): ")


def test_every_missing_field_is_listed_in_english(client, city):
    error = error_of(submit(client, {}, language="en"), 422, "validation_error")

    assert error["message"] == "Some fields are not valid; see the list in `fields`."
    assert error["fields"] == {
        "category": ["This field is required."],
        "title": ["This field is required."],
        "description": ["This field is required."],
    }  # the kelurahan is optional: a point is a location too


def test_field_errors_are_in_indonesian_by_default(client, city):
    error = error_of(submit(client, report_fields(title="Lubang")), 422, "validation_error")

    assert error["message"].startswith("Ada isian yang belum benar")
    assert error["fields"]["title"] == [
        "Pastikan nilai ini mengandung paling sedikit 8 karakter (sekarang 6 karakter)."
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Laporan Anda hanya dapat kami tangani jika Anda menyetujui pemrosesan datanya."),
        ("en", "We can only handle your report with your consent to process its data."),
    ],
)
def test_consent_is_required_as_on_the_web_form(client, city, language, expected):
    error = error_of(submit(client, report_fields(consent="false"), language=language), 422, "validation_error")

    assert error["fields"] == {"consent": [expected]}


def test_a_name_or_anonymity_and_a_contact_are_required(client, city):
    fields = report_fields(reporter_name="", reporter_email="", reporter_phone="")

    error = error_of(submit(client, fields, language="en"), 422, "validation_error")

    assert error["fields"] == {
        "reporter_name": ["Write your name, or choose to be anonymous."],
        "reporter_email": ["Give an email or a phone number so we can tell you about progress."],
    }


def test_an_anonymous_report_without_contact_is_accepted_where_the_pemda_allows_it(client, city):
    fields = report_fields(reporter_name="", reporter_email="", reporter_phone="", is_anonymous="true")

    body = json_of(submit(client, fields), 201)

    assert Report.objects.get(code=body["code"]).is_anonymous


def test_a_bad_phone_and_email_are_refused(client, city):
    error = error_of(submit(client, report_fields(reporter_phone="12", reporter_email="budi@"), language="en"), 422,
                     "validation_error")  # fmt: skip

    assert error["fields"]["reporter_email"] == ["Enter a valid email address."]
    assert error["fields"]["reporter_phone"][0].startswith("This")


def test_a_kelurahan_outside_the_pemda_is_refused(client, city):
    manado = Wilayah.objects.create(code="71.71", name="Kota Manado", level=WilayahLevel.KABUPATEN_KOTA)
    kec = Wilayah.objects.create(code="71.71.01", name="Bunaken", level=WilayahLevel.KECAMATAN, parent=manado)
    Wilayah.objects.create(code="71.71.01.1001", name="Bunaken", level=WilayahLevel.DESA_KELURAHAN, parent=kec)

    error = error_of(submit(client, report_fields(kelurahan="71.71.01.1001"), language="en"), 422,
                     "validation_error")  # fmt: skip

    assert error["fields"] == {"kelurahan": ["Choose a kelurahan or desa of Kota Bitung from the list."]}


def test_a_point_inside_the_pemda_is_kept(client, city):
    body = json_of(submit(client, report_fields(**INSIDE)), 201)

    assert (body["latitude"], body["longitude"]) == (1.4412, 125.1617)


def test_without_kelurahan_a_point_is_the_location_and_the_kelurahan_is_set_later(client, city):
    body = json_of(submit(client, report_fields(kelurahan=None, **INSIDE)), 201)

    assert (body["kelurahan"], body["kecamatan"]) == (None, None)
    assert Report.objects.get(code=body["code"]).kelurahan_id is None


def test_without_kelurahan_the_point_finds_it_in_the_imported_boundaries(client, city):
    boundaries = Path(__file__).resolve().parent.parent / "fixtures" / "bitung-kelurahan.geojson"
    call_command("wilayah", "boundaries", str(boundaries), stdout=io.StringIO())

    body = json_of(submit(client, report_fields(kelurahan=None, latitude="1.4412", longitude="125.1617")), 201)

    assert body["kelurahan"] == {"code": "71.72.02.1001", "name": "Wangurer Barat"}


def test_without_kelurahan_or_point_the_error_asks_for_one(client, city):
    error = error_of(submit(client, report_fields(kelurahan=None), language="en"), 422, "validation_error")

    assert error["fields"] == {"kelurahan": ["Choose the kelurahan or desa where it is, or mark it on the map."]}
    assert not Report.objects.exists()


def test_a_point_outside_the_pemda_or_half_a_point_is_refused(client, city):
    outside = error_of(submit(client, report_fields(latitude="-6.2", longitude="106.8"), language="en"), 422,
                       "validation_error")  # fmt: skip
    half = error_of(submit(client, report_fields(latitude="1.44"), language="en"), 422, "validation_error")

    assert outside["fields"] == {"latitude": ["The point on the map is outside Kota Bitung; please mark it again."]}
    assert half["fields"] == {"latitude": ["Send latitude and longitude together."]}


def test_answers_to_the_categorys_questions_are_stored(client, city):
    body = json_of(submit(client, report_fields(answers='{"ukuran": "besar"}')), 201)

    assert Report.objects.get(code=body["code"]).answers == {"ukuran": "besar"}


def test_answers_are_validated_like_on_the_web_form(client, city):
    bad_choice = error_of(submit(client, report_fields(answers='{"ukuran": "raksasa"}'), language="en"), 422,
                          "validation_error")  # fmt: skip
    unknown = error_of(submit(client, report_fields(answers='{"warna": "merah"}'), language="en"), 422,
                       "validation_error")  # fmt: skip
    not_json = error_of(submit(client, report_fields(answers="ukuran=besar"), language="en"), 422,
                        "validation_error")  # fmt: skip
    number = error_of(submit(client, report_fields(category="banjir", answers='{"tinggi_air": "selutut"}'),
                             language="en"), 422, "validation_error")  # fmt: skip

    assert bad_choice["fields"] == {
        "answers.ukuran": ["Select a valid choice. raksasa is not one of the available choices."]
    }
    assert unknown["fields"] == {"answers.warna": ["This category has no question with this code."]}
    assert not_json["fields"] == {"answers": ['Enter a JSON object, for example {"ukuran": "besar"}.']}
    assert number["fields"] == {"answers.tinggi_air": ["Enter a number."]}
    assert reports_count() == 0


def test_list_number_and_required_questions_work_as_on_the_web_form(client, city):
    flood = Category.objects.get(slug="banjir")
    CategoryQuestion.objects.create(
        category=flood, code="dampak", label="Apa yang terdampak?", datatype=QuestionType.MULTI, order=2,
        values=[{"key": "rumah", "name": "Rumah"}, {"key": "jalan", "name": "Jalan"}, {"key": "sekolah", "name": "Sekolah"}],
    )  # fmt: skip
    CategoryQuestion.objects.create(category=flood, code="sejak", label="Sejak kapan?", required=True, order=3)

    missing = error_of(submit(client, report_fields(category="banjir", answers='{"tinggi_air": "30"}'), language="en"),
                       422, "validation_error")  # fmt: skip
    body = json_of(submit(client, report_fields(
        category="banjir", answers='{"tinggi_air": 30, "dampak": ["rumah", "sekolah"], "sejak": "Subuh tadi"}'
    )), 201)  # fmt: skip

    assert missing["fields"] == {"answers.sejak": ["This question needs an answer."]}
    assert Report.objects.get(code=body["code"]).answers == {
        "tinggi_air": 30, "dampak": ["rumah", "sekolah"], "sejak": "Subuh tadi",
    }  # fmt: skip


def test_an_unknown_or_inactive_category_is_refused(client, city):
    error = error_of(submit(client, report_fields(category="tidak-ada"), language="en"), 422, "validation_error")

    assert error["fields"] == {"category": ["There is no active category with this code; see GET /api/v1/categories."]}


def test_a_url_encoded_form_without_photos_is_accepted(client, city):
    from urllib.parse import urlencode

    response = client.post(
        f"{BASE}/reports", urlencode(report_fields()), content_type="application/x-www-form-urlencoded"
    )

    json_of(response, 201)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_json_body_is_refused_with_415(client, city, language):
    response = client.post(
        f"{BASE}/reports", report_fields(), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )

    error = error_of(response, 415, "unsupported_media_type")
    assert "multipart/form-data" in error["message"]


def test_more_files_than_any_report_may_have_are_a_413(client, city):
    photos = [photo(f"{n}.jpg", width=8, height=8) for n in range(11)]

    error = error_of(submit(client, photos=photos, language="en"), 413, "too_many_files")

    assert error["message"] == "Too many files in one request; at most 5 photos."


def test_a_huge_text_field_is_a_413(client, city):
    error_of(submit(client, report_fields(description="x" * (3 * 1024 * 1024))), 413, "payload_too_large")


def test_a_broken_multipart_body_is_a_400_not_a_500(client, city):
    response = client.post(
        f"{BASE}/reports",
        data=b'--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nJalan',
        content_type="multipart/form-data; boundary=",
    )

    assert response.status_code == 400
    error_of(response, 400, "bad_request")


# --- rate limits --------------------------------------------------------------------------------------------


def test_without_a_key_the_public_forms_limit_applies_per_address(client, city, settings):
    settings.RATELIMIT_REPORTS = "2/h"
    error_of(submit(client, report_fields(consent=None)), 422, "validation_error")  # refused attempts are free
    json_of(submit(client), 201)
    json_of(submit(client), 201)

    response = submit(client, language="en")

    error = error_of(response, 429, "rate_limited")
    assert error["message"].startswith("Too many requests in a short time.")
    assert int(response["Retry-After"]) >= 1
    assert reports_count() == 2
    json_of(submit(client, REMOTE_ADDR="203.0.113.9"), 201)  # another address has its own allowance


def test_the_api_and_the_web_form_share_the_public_limit(client, city, settings):
    settings.RATELIMIT_REPORTS = "1/h"
    json_of(submit(client), 201)

    web_form = {**report_fields(), "category": str(Category.objects.get(slug="jalan-rusak").pk), "consent": "on"}
    assert client.post("/lapor/", web_form).status_code == 429
    assert reports_count() == 1


def test_a_client_with_a_key_has_its_own_limit(client, city, settings):
    settings.RATELIMIT_REPORTS = "1/h"
    _api_client, secret = api_key(rate_limit="2/m")

    json_of(submit(client, **bearer(secret)), 201)
    json_of(submit(client, **bearer(secret)), 201)
    error_of(submit(client, **bearer(secret)), 429, "rate_limited")

    json_of(submit(client), 201)  # the public allowance of the same address is untouched


def test_a_malformed_client_limit_falls_back_to_the_default(client, city):
    _api_client, secret = api_key(rate_limit="banyak")

    json_of(submit(client, **bearer(secret)), 201)
