"""GET /api/v1/reports and /reports/{code}: the public list never shows rahasia reports, no GET shows contact data."""

from __future__ import annotations

import pytest

from balai.lapor import services
from balai.lapor.models import ArchiveReason, Category, Report
from tests.factories import kelurahan, make_report

from .v1_support import BASE, error_of, finished, json_of, on_hold, photo, submit, verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_on_arrival")]


def codes_listed(client, query: str = "") -> list[str]:
    return [item["code"] for item in json_of(client.get(f"{BASE}/reports{query}"))["results"]]


# --- tracking ---------------------------------------------------------------------------------------------------


def test_the_holder_of_the_code_follows_status_and_public_timeline(client, city, coordinator, operator_pupr):
    report = finished(make_report(photos=1), coordinator, operator_pupr, answer="Lubang sudah ditambal kemarin.")

    body = json_of(client.get(f"{BASE}/reports/{report.code}"))

    assert body["code"] == report.code
    assert body["status"] == {"value": "selesai", "label": "Selesai"}
    assert body["handled_by"] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert [e["status"]["value"] for e in body["timeline"] if e["status"]] == [
        "diterima", "diverifikasi", "didisposisikan", "diproses", "selesai",
    ]  # fmt: skip
    assert body["timeline"][-1]["note"] == "Lubang sudah ditambal kemarin."
    assert len(body["photos"]) == 1
    assert body["url"].endswith(f"/laporan/{report.code}/")


def test_links_use_the_sites_address_not_the_requests_host(client, city, settings):
    settings.SITE_URL = "https://lapor.bitungkota.go.id"
    report = make_report(photos=1)

    body = json_of(client.get(f"{BASE}/reports/{report.code}", HTTP_HOST="127.0.0.1"))

    assert body["url"].startswith("https://lapor.bitungkota.go.id/")
    assert body["url"].endswith(f"/{report.code}/")
    assert body["photos"][0]["url"].startswith("https://lapor.bitungkota.go.id/foto/")
    index = json_of(client.get(f"{BASE}/"))
    assert index["openapi"] == "https://lapor.bitungkota.go.id/api/v1/openapi.json"


def test_the_code_may_be_typed_in_lower_case_without_dashes(client, city):
    report = make_report()

    body = json_of(client.get(f"{BASE}/reports/{report.code.replace('-', '').lower()}"))

    assert body["code"] == report.code


def test_tracking_shows_the_clarification_question(client, city, coordinator):
    report = on_hold(make_report(), coordinator, question="Di depan rumah nomor berapa?")

    body = json_of(client.get(f"{BASE}/reports/{report.code}"))

    assert body["status"]["value"] == "ditunda"
    assert body["clarification_question"] == "Di depan rumah nomor berapa?"


@pytest.mark.parametrize(
    ("language", "start"),
    [("id", "Tidak ada laporan dengan kode BTG-7K3Q-9XFA."), ("en", "No report has the code BTG-7K3Q-9XFA.")],
)
def test_an_unknown_code_is_a_json_404_in_the_readers_language(client, city, language, start):
    response = client.get(f"{BASE}/reports/BTG-7K3Q-9XFA", HTTP_ACCEPT_LANGUAGE=language)

    assert error_of(response, 404, "report_not_found")["message"].startswith(start)
    assert response["Content-Language"] == language


def test_something_that_cannot_be_a_code_is_a_404_too(client, city):
    error_of(client.get(f"{BASE}/reports/OOOO-1111"), 404, "report_not_found")


def test_look_ups_by_code_are_limited_per_address(client, city, settings, time_machine):
    time_machine.move_to("2026-11-02 09:00:30 +0800", tick=False)
    settings.RATELIMIT_TRACK = "2/m"
    report = make_report()

    assert [client.get(f"{BASE}/reports/{report.code}").status_code for _ in range(2)] == [200, 200]
    response = client.get(f"{BASE}/reports/{report.code}", HTTP_ACCEPT_LANGUAGE="en")

    error_of(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


# --- rahasia ----------------------------------------------------------------------------------------------------


def test_a_rahasia_report_is_tracked_by_its_code_but_its_photos_stay_with_the_officers(client, city):
    report = make_report(is_confidential=True, photos=1)

    body = json_of(client.get(f"{BASE}/reports/{report.code}"))

    assert body["is_confidential"] is True
    assert body["photos"] == []
    assert body["photo_count"] == 1
    assert body["url"].endswith(f"/lacak/{report.code}/")


def test_rahasia_and_archived_reports_are_never_in_the_public_list(client, city, coordinator):
    public = make_report()
    secret = make_report(is_confidential=True)
    made_secret = verified(make_report(), coordinator, is_confidential=True)
    archived = services.report_archive(report=make_report(), actor=coordinator, version=None, reason=ArchiveReason.SPAM)

    every_filter = ["", "?status=diterima", "?status=diverifikasi", "?category=jalan-rusak", "?kecamatan=71.72.06",
                    f"?q={secret.code}", f"?q={made_secret.code}", "?page_size=100"]  # fmt: skip
    for query in every_filter:
        listed = codes_listed(client, query)
        assert secret.code not in listed and made_secret.code not in listed and archived.code not in listed, query
    assert codes_listed(client) == [public.code]


def test_archived_is_not_a_status_one_can_filter_by(client, city):
    error = error_of(client.get(f"{BASE}/reports?status=diarsipkan", HTTP_ACCEPT_LANGUAGE="en"), 422,
                     "validation_error")  # fmt: skip

    assert error["fields"]["status"][0].startswith("Select a valid choice. diarsipkan")


# --- the list ---------------------------------------------------------------------------------------------------


def test_the_list_filters_by_status_category_kecamatan_and_words(client, city, coordinator):
    road = make_report(title="Jalan berlubang di Jalan Samratulangi")
    flood = make_report(title="Banjir setinggi lutut di pasar", category=Category.objects.get(slug="banjir"),
                        kelurahan=kelurahan("Pateten Satu"))  # fmt: skip
    verified(road, coordinator)

    assert codes_listed(client, "?status=diverifikasi") == [road.code]
    assert codes_listed(client, "?category=banjir") == [flood.code]
    assert codes_listed(client, f"?kecamatan={flood.kecamatan_id}") == [flood.code]
    assert codes_listed(client, "?q=lutut") == [flood.code]
    assert codes_listed(client, f"?q={road.code}") == [road.code]
    assert codes_listed(client, "?category=tidak-ada") == []


def test_the_list_is_paginated_newest_first(client, city, time_machine):
    codes = []
    for day in range(1, 6):
        time_machine.move_to(f"2026-11-0{day} 09:00 +0800", tick=False)
        codes.append(make_report().code)

    first = json_of(client.get(f"{BASE}/reports?page_size=2"))
    last = json_of(client.get(f"{BASE}/reports?page_size=2&page=3"))
    beyond = json_of(client.get(f"{BASE}/reports?page_size=2&page=9"))

    assert (first["count"], first["num_pages"], first["page"]) == (5, 3, 1)
    assert [r["code"] for r in first["results"]] == codes[::-1][:2]
    assert [r["code"] for r in last["results"]] == [codes[0]]
    assert beyond["results"] == []


def test_the_list_shows_the_coordinators_public_title(client, city, coordinator):
    report = verified(make_report(title="jalan rusak parah tolong!!!"), coordinator,
                      public_title="Jalan rusak di Jalan Sudirman")  # fmt: skip

    (item,) = json_of(client.get(f"{BASE}/reports"))["results"]

    assert item["code"] == report.code
    assert item["title"] == "Jalan rusak di Jalan Sudirman"


def test_the_list_costs_the_same_queries_for_one_report_or_many(client, city, django_assert_max_num_queries):
    for _ in range(8):
        make_report()
    with django_assert_max_num_queries(6):
        assert len(json_of(client.get(f"{BASE}/reports?page_size=50"))["results"]) == 8


def test_bad_paging_is_a_validation_error(client, city):
    error = error_of(client.get(f"{BASE}/reports?page=0&page_size=500"), 422, "validation_error")

    assert set(error["fields"]) == {"page", "page_size"}


# --- no contact data, ever --------------------------------------------------------------------------------------


def test_no_get_ever_shows_a_reporters_name_email_phone_or_token(client, city, coordinator, operator_pupr):
    mine = Report.objects.get(code=json_of(submit(client, photos=[photo()]), 201)["code"])
    secret = make_report(is_confidential=True, reporter_name="Siti Rahasia Paputungan",
                         reporter_email="siti.rahasia@example.id", reporter_phone="+6281355550000")  # fmt: skip
    done = finished(make_report(reporter_name="Yohanes Wowor", reporter_email="yohanes@example.id",
                                reporter_phone="+6285299990000"), coordinator, operator_pupr)  # fmt: skip
    on_hold(make_report(reporter_name="Maria Lontoh", reporter_email="maria@example.id"), coordinator)

    pages = ["/reports", "/reports?page_size=100", "/categories", "/wilayah/kecamatan", "/wilayah/kelurahan",
             "/openapi.json", "/docs"]  # fmt: skip
    pages += [f"/reports/{code}" for code in Report.objects.values_list("code", flat=True)]
    bodies = "\n".join(client.get(f"{BASE}{page}").content.decode() for page in pages)

    for report in (mine, secret, done, *Report.objects.all()):
        for private in (report.reporter_email, report.reporter_phone, report.reporter_phone.replace("+62", "0"),
                        report.reporter_name, report.reporter_token):  # fmt: skip
            assert not private or private not in bodies, private
    assert "Paputungan" not in bodies and "Wowor" not in bodies
