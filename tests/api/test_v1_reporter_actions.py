"""The reporter's own actions with the private token (X-Reporter-Token): answer a clarification, rate the answer."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.lapor.models import EventKind, Report, Status
from tests.factories import make_report

from .v1_support import BASE, error_of, finished, json_of, on_hold

pytestmark = pytest.mark.django_db


def clarify(client: Client, report: Report, answer: str = "Di depan rumah nomor 12.", **headers: str):
    return client.post(
        f"{BASE}/reports/{report.code}/clarification", {"answer": answer}, content_type="application/json", **headers
    )


def rate(client: Client, report: Report, rating: int = 5, comment: str = "Cepat sekali.", **headers: str):
    return client.post(
        f"{BASE}/reports/{report.code}/rating",
        {"rating": rating, "comment": comment},
        content_type="application/json",
        **headers,
    )


def token_of(report: Report) -> dict[str, str]:
    return {"HTTP_X_REPORTER_TOKEN": report.reporter_token}


def test_the_reporter_answers_the_officers_question(client, city, coordinator):
    report = on_hold(make_report(), coordinator)

    body = json_of(clarify(client, report, **token_of(report)))

    report.refresh_from_db()
    assert report.status == Status.DITERIMA == body["status"]["value"]
    assert body["clarification_question"] is None
    answer = report.events.get(kind=EventKind.REPORTER)
    assert answer.note == "Di depan rumah nomor 12." and not answer.is_public


def test_the_reporter_rates_a_finished_report_and_may_change_the_rating(client, city, coordinator, operator_pupr):
    report = finished(make_report(), coordinator, operator_pupr)

    json_of(rate(client, report, 2, **token_of(report)))
    body = json_of(rate(client, report, 4, "Sudah diperbaiki.", **token_of(report)))

    report.refresh_from_db()
    assert (report.rating, report.rating_comment) == (4, "Sudah diperbaiki.")
    assert body["rating"] == 4


def test_without_the_token_the_action_is_refused_with_401(client, city, coordinator):
    report = on_hold(make_report(), coordinator)

    error = error_of(clarify(client, report, HTTP_ACCEPT_LANGUAGE="en"), 401, "reporter_token_required")

    assert "X-Reporter-Token" in error["message"]
    assert Report.objects.get(pk=report.pk).status == Status.DITUNDA


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Token pelapor tidak cocok dengan laporan ini."),
        ("en", "The reporter's token does not match this report."),
    ],
)
def test_another_reports_token_is_refused_with_403(client, city, coordinator, language, expected):
    report = on_hold(make_report(), coordinator)
    other = make_report()

    response = clarify(client, report, HTTP_ACCEPT_LANGUAGE=language, **token_of(other))

    assert error_of(response, 403, "reporter_token_invalid")["message"] == expected


def test_an_unknown_code_is_a_404(client, city):
    report = make_report()

    response = client.post(
        f"{BASE}/reports/BTG-7K3Q-9XFA/rating", {"rating": 5}, content_type="application/json", **token_of(report)
    )

    error_of(response, 404, "report_not_found")


@pytest.mark.parametrize(("language", "status"), [("id", "Diterima"), ("en", "Received")])
def test_an_action_the_report_is_not_ready_for_is_a_409_with_the_workflows_reason(client, city, language, status):
    report = make_report()

    response = rate(client, report, HTTP_ACCEPT_LANGUAGE=language, **token_of(report))

    # The workflow's own message, in the request's language (here: the status it names).
    assert status in error_of(response, 409, "action_not_allowed")["message"]


def test_a_clarification_when_nothing_was_asked_is_a_409(client, city):
    report = make_report()

    error_of(clarify(client, report, **token_of(report)), 409, "action_not_allowed")


def test_a_rating_outside_one_to_five_or_an_empty_answer_is_a_validation_error(client, city, coordinator):
    report = on_hold(make_report(), coordinator)

    rating = error_of(rate(client, report, 9, HTTP_ACCEPT_LANGUAGE="en", **token_of(report)), 422, "validation_error")
    empty = error_of(clarify(client, report, "", HTTP_ACCEPT_LANGUAGE="en", **token_of(report)), 422,
                     "validation_error")  # fmt: skip

    assert rating["fields"] == {"rating": ["Ensure this value is less than or equal to 5."]}
    assert empty["fields"] == {"answer": ["Ensure this value has at least 1 character (it has 0)."]}


def test_a_body_that_is_not_json_is_a_400(client, city):
    report = make_report()

    response = client.post(
        f"{BASE}/reports/{report.code}/rating", "rating=5", content_type="application/json", **token_of(report)
    )

    error_of(response, 400, "bad_request")


def test_the_actions_need_no_csrf_token(city, coordinator):
    report = on_hold(make_report(), coordinator)
    browser = Client(enforce_csrf_checks=True)

    json_of(clarify(browser, report, **token_of(report)))
