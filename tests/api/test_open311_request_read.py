"""GET requests, requests/{id} and tokens/{token}: public reports only, never a contact, in both formats."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from balai.lapor import services
from balai.lapor.models import ArchiveReason, Category, Report, Status
from tests.api.open311_support import (
    BASE,
    api_client,
    assert_matches_schema,
    assert_xml_says_what_json_says,
    json_of,
    new_key,
    request_params,
    xml_of,
)
from tests.factories import make_report
from tests.lapor.backoffice.steps import dispatched, finished, in_progress, verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_on_arrival")]


def listed(params: dict | None = None, **headers) -> list[dict]:
    data = json_of(api_client(**headers).get(f"{BASE}/requests.json", params or {}))
    assert_matches_schema(data, "requests")
    return data


def codes_in(data: list[dict]) -> list[str]:
    return [r["service_request_id"] for r in data]


def one(code: str, status: int = 200):
    return api_client().get(f"{BASE}/requests/{code}.json")


def errors_of(response, status: int) -> list[str]:
    errors = json_of(response, status)
    assert_matches_schema(errors, "errors")
    return [e["description"] for e in errors]


def test_the_list_and_one_request_say_the_same_in_xml_and_json(city, coordinator, operator_pupr):
    report = in_progress(make_report(latitude="1.441200", longitude="125.161700", address="Jl. Garuda"),
                         coordinator, operator_pupr)  # fmt: skip
    client = api_client()

    data = assert_xml_says_what_json_says(
        client.get(f"{BASE}/requests.xml"), client.get(f"{BASE}/requests.json"), "service_requests"
    )
    assert_matches_schema(data, "requests")
    single = assert_xml_says_what_json_says(
        client.get(f"{BASE}/requests/{report.code}.xml"),
        client.get(f"{BASE}/requests/{report.code}.json"),
        "service_requests",
    )
    assert_matches_schema(single, "requests")

    assert single == data
    (request,) = single
    assert request["service_request_id"] == report.code
    assert request["status"] == "open"
    assert request["service_code"] == "jalan-rusak" and request["service_name"] == "Jalan rusak"
    assert request["agency_responsible"] == report.lead_unit.name
    assert request["address"] == f"Jl. Garuda, {report.kelurahan.display_name}, {report.kecamatan.display_name}"
    assert request["address_id"] == report.kelurahan_id
    assert (request["lat"], request["long"]) == (1.4412, 125.1617)
    assert request["zipcode"] is None
    assert request["status_notes"] == "The OPD is working on it."  # in the app's language (Accept-Language: en)
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", request[field]), field
    due = Report.objects.get(pk=report.pk).due_at.astimezone(ZoneInfo(city.time_zone))
    assert request["expected_datetime"] == due.isoformat(timespec="seconds")


@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("diterima", "open"),
        ("ditunda", "open"),
        ("diverifikasi", "open"),
        ("didisposisikan", "open"),
        ("diproses", "open"),
        ("selesai", "closed"),
        ("bukan_wewenang", "closed"),
    ],
)
def test_balais_statuses_map_to_open_and_closed(city, coordinator, operator_pupr, step, status):
    report = make_report()
    if step == "ditunda":
        services.report_request_clarification(report=report, actor=coordinator, version=None, question="Di mana?")
    elif step == "diverifikasi":
        verified(report, coordinator)
    elif step == "didisposisikan":
        dispatched(report, coordinator)
    elif step == "diproses":
        in_progress(report, coordinator, operator_pupr)
    elif step == "selesai":
        finished(report, coordinator, operator_pupr)
    elif step == "bukan_wewenang":
        services.report_mark_not_authority(report=report, actor=coordinator, version=None, referral="Polres Bitung")
    assert Report.objects.get(pk=report.pk).status == step

    (request,) = listed()

    assert request["status"] == status
    assert listed({"status": status}) == [request]
    assert listed({"status": "closed" if status == "open" else "open"}) == []
    assert listed({"status": "open,closed"}) == [request]


def test_status_notes_are_the_latest_public_answer_never_an_internal_note(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)
    services.report_add_note(report=report, actor=operator_pupr, version=None, text="Tim turun besok.", public=True)
    services.report_add_note(report=report, actor=operator_pupr, version=None, text="Anggaran habis.", public=False)

    (request,) = listed()
    assert request["status_notes"] == "Tim turun besok."

    services.report_finish(report=report, actor=operator_pupr, version=None, answer="Lubang sudah ditambal.")
    (request,) = listed()
    assert (request["status"], request["status_notes"]) == ("closed", "Lubang sudah ditambal.")


def test_the_public_summary_replaces_the_reporters_own_words_once_verified(city, coordinator):
    report = make_report(description="Pak RT Budi di Jl. Garuda no. 5 lapor jalan rusak parah sekali.")
    verified(report, coordinator, public_description="Jalan rusak parah di Jl. Garuda.")

    (request,) = listed()

    assert request["description"] == "Jalan rusak parah di Jl. Garuda."


def test_no_contact_data_ever_leaves_through_get_for_named_or_anonymous_reporters(city):
    named = make_report(reporter_name="Yohanes Sumampouw", reporter_email="yohanes@example.com",
                        reporter_phone="+6281298765432")  # fmt: skip
    anonymous = make_report(reporter_name="Siti Rahma", reporter_email="siti@example.com",
                            reporter_phone="+6281311112222", is_anonymous=True)  # fmt: skip
    _app, key = new_key()
    json_of(api_client().post(f"{BASE}/requests.json", request_params(key)))
    client = api_client()
    secrets_ = ["Yohanes", "Sumampouw", "yohanes@", "81298765432", "Siti", "siti@", "81311112222",
                "Maria", "Pangemanan", "maria.p@", "81234567890", named.reporter_token, anonymous.reporter_token]  # fmt: skip

    for fmt in ("json", "xml"):
        bodies = [client.get(f"{BASE}/requests.{fmt}").content.decode()]
        bodies += [client.get(f"{BASE}/requests/{r.code}.{fmt}").content.decode() for r in Report.objects.all()]
        for body in bodies:
            assert not [s for s in secrets_ if s in body], body
            assert "email" not in body and "phone" not in body and "first_name" not in body
    assert len(listed()) == 3


def test_a_rahasia_report_is_never_listed_nor_returned_nor_found_by_token(city, coordinator):
    secret = make_report(is_confidential=True)
    later = verified(make_report(), coordinator, is_confidential=True)
    public = make_report()
    client = api_client()

    assert codes_in(listed()) == [public.code]
    assert listed({"service_request_id": f"{secret.code},{later.code},{public.code}"}) == listed()
    for report in (secret, later):
        for fmt in ("json", "xml"):
            assert client.get(f"{BASE}/requests/{report.code}.{fmt}").status_code == 404
            assert client.get(f"{BASE}/tokens/{report.code}.{fmt}").status_code == 404
        assert report.code not in client.get(f"{BASE}/requests.xml").content.decode()
    _app, key = new_key()
    assert codes_in(listed({"api_key": key})) == [public.code]


def test_an_archived_report_is_hidden_except_from_the_client_that_sent_it(city, coordinator):
    _app, key = new_key("Aplikasi A")
    _other, other_key = new_key("Aplikasi B")
    code = json_of(api_client().post(f"{BASE}/requests.json", request_params(key)))[0]["service_request_id"]
    web = make_report()
    for report in Report.objects.all():
        services.report_archive(report=report, actor=coordinator, version=None, reason=ArchiveReason.SPAM)

    assert listed() == [] and listed({"api_key": other_key}) == []
    assert one(code).status_code == 404
    (own,) = listed({"api_key": key})
    assert (own["service_request_id"], own["status"], own["status_notes"]) == (code, "closed", "Spam or abuse")
    response = api_client().get(f"{BASE}/requests/{code}.json", {"api_key": key})
    assert json_of(response) == [own]
    assert api_client().get(f"{BASE}/requests/{web.code}.json", {"api_key": key}).status_code == 404


def test_a_photo_of_a_public_report_is_its_media_url(city, settings):
    settings.SITE_URL = "https://lapor.bitungkota.go.id"
    report = make_report(photos=2)
    first = report.photos.order_by("position").first()

    (request,) = listed()

    assert request["media_url"] == f"https://lapor.bitungkota.go.id/foto/{first.public_id}/"


def test_the_search_filters_by_ids_service_and_date_and_ids_override_the_rest(city, time_machine):
    time_machine.move_to("2026-03-01 09:00 +0800", tick=False)
    old = make_report()
    time_machine.move_to("2026-06-10 09:00 +0800", tick=False)
    flood = make_report(category=Category.objects.get(slug="banjir"), answers={"tinggi_air": 40})
    pothole = make_report()

    assert codes_in(listed()) == [pothole.code, flood.code]  # the last 90 days, newest first
    assert codes_in(listed({"service_code": "banjir"})) == [flood.code]
    assert codes_in(listed({"service_code": "banjir,jalan-rusak"})) == [pothole.code, flood.code]
    assert codes_in(listed({"start_date": "2026-02-01T00:00:00+08:00", "end_date": "2026-03-02"})) == [old.code]
    assert codes_in(listed({"start_date": "2026-02-15"})) == [old.code]
    assert codes_in(listed({"end_date": "2026-05-25T00:00:00Z"})) == [old.code]
    # A "+" of the offset that was not percent-encoded arrives as a space; it is still read.
    assert codes_in(listed({"start_date": "2026-02-28T00:00:00 08:00", "end_date": "2026-03-02"})) == [old.code]
    ids = f"{old.code},{pothole.code.lower().replace('-', '')}"
    assert codes_in(listed({"service_request_id": ids, "service_code": "banjir"})) == [pothole.code, old.code]


def test_pages_split_a_long_list_and_link_to_the_next(city):
    reports = [make_report() for _ in range(5)]
    newest_first = [r.code for r in reversed(reports)]
    client = api_client()

    first = client.get(f"{BASE}/requests.json", {"page_size": 2})
    third = client.get(f"{BASE}/requests.json", {"page_size": 2, "page": 3})

    assert codes_in(json_of(first)) == newest_first[:2]
    assert "page=2" in first["Link"] and first["Link"].endswith('rel="next"')
    assert codes_in(json_of(third)) == newest_first[4:]
    assert "Link" not in third
    assert len(listed()) == 5


def test_at_most_a_thousand_requests_are_returned(city, monkeypatch):
    from balai.api.open311 import views

    for _ in range(3):
        make_report()
    monkeypatch.setattr(views, "MAX_REQUESTS", 2)

    assert len(listed()) == 2
    assert errors_of(api_client().get(f"{BASE}/requests.json", {"page_size": 3}), 400)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "pending"}, "status must be open, closed or both"),
        ({"start_date": "kemarin"}, "start_date must be a w3c date and time"),
        ({"end_date": "2026-13-01"}, "end_date must be a w3c date and time"),
        ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "start_date must be before end_date."),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "start_date and end_date may not span more than 90"),
        ({"page": "0"}, "page must be a whole number from 1"),
        ({"page_size": "1001"}, "page_size must be a whole number from 1 to 1000."),
        ({"page_size": "-1"}, "page_size must be a whole number from 1 to 1000."),
        ({"page": "²"}, "page must be a whole number from 1"),
        ({"page": "9" * 5000}, "page must be a whole number from 1"),
        ({"start_date": "9999-12-31"}, "start_date must be a w3c date and time"),
        ({"end_date": "0001-01-01T00:00:00+08:00"}, "end_date must be a w3c date and time"),
        ({"start_date": "2026-01-01T00:00:00+99:00"}, "start_date must be a w3c date and time"),
        ({"service_code": "jalan\x00"}, "service_code contains control characters."),
    ],
)
def test_bad_search_parameters_are_a_400(city, params, message):
    for fmt in ("json", "xml"):
        response = api_client().get(f"{BASE}/requests.{fmt}", params)
        if fmt == "json":
            assert any(e.startswith(message) for e in errors_of(response, 400))
        else:
            assert xml_of(response, 400).find("error/description").text.startswith(message)


def test_an_unknown_service_code_in_the_search_is_a_404(city):
    assert errors_of(api_client().get(f"{BASE}/requests.json", {"service_code": "jalan-tol"}), 404) == [
        "service_code jalan-tol was not found."
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_a_404(city, fmt):
    response = api_client().get(f"{BASE}/requests/BTG-2222-2222.{fmt}")

    if fmt == "json":
        assert errors_of(response, 404) == ["service_request_id BTG-2222-2222 was not found."]
    else:
        assert xml_of(response, 404).tag == "errors"


def test_a_token_is_a_tracking_code_and_maps_to_itself_unknown_ones_are_a_404(city):
    report = make_report()
    client = api_client()

    data = assert_xml_says_what_json_says(
        client.get(f"{BASE}/tokens/{report.code}.xml"), client.get(f"{BASE}/tokens/{report.code}.json"),
        "service_requests",
    )  # fmt: skip

    assert_matches_schema(data, "tokens")
    assert data == [{"service_request_id": report.code, "token": report.code}]
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/tokens/f81d4fae-7dec-11d0-a765.{fmt}")
        assert response.status_code == 404
    assert errors_of(client.get(f"{BASE}/tokens/bukan-token.json"), 404) == ["token bukan-token was not found."]


def test_the_list_costs_the_same_few_queries_for_one_or_many_reports(city, coordinator):
    def queries_for_the_list() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            listed()
        # The rate limiter's counter lives in the database cache: not the list's cost.
        return [
            q["sql"] for q in captured.captured_queries if "balai_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]

    dispatched(make_report(photos=1), coordinator)
    for_one = queries_for_the_list()
    for _ in range(5):
        dispatched(make_report(photos=1), coordinator)

    assert len(queries_for_the_list()) == len(for_one) <= 3, for_one


def test_the_default_window_is_the_last_90_days(city, time_machine):
    time_machine.move_to(timezone.now() - timedelta(days=91))
    make_report()
    time_machine.move_to(timezone.now() + timedelta(days=91))

    assert listed() == []
    assert Report.objects.count() == 1
    assert Status.DITERIMA in Report.objects.values_list("status", flat=True)
