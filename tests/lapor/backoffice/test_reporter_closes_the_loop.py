"""After the answer the reporter rates it, reopens it within the window, says whether it is fixed, or stops emails."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from balai.core.models import AuditEvent
from balai.core.selectors import work_calendar
from balai.lapor import services
from balai.lapor.models import WEIGHT_WORKING_DAYS, EventKind, FixedAnswer, Report, Status, Weight
from tests.factories import make_report
from tests.periodic import periodic_checks

from .steps import client_for, finished, fresh, in_progress, post_action, run_worker, text, unit

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


def _private(report: Report) -> str:
    return f"/lacak/{report.code}/{report.reporter_token}/"


def _unsubscribe(report: Report) -> str:
    return f"/lacak/{report.code}/{report.reporter_token}/berhenti/"


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_reporter_rates_the_answer_with_a_comment(city, coordinator, operator_pupr):
    report = finished(make_report(), coordinator, operator_pupr)

    response = client_for().post(
        _private(report), {"action": "rate", "rate-rating": "4", "rate-comment": "Cepat, tapi tambalannya kasar."}
    )

    assert response.status_code == 302
    report = fresh(report)
    assert (report.rating, report.rating_comment) == (4, "Cepat, tapi tambalannya kasar.")
    assert report.rated_at is not None
    assert report.events.filter(kind=EventKind.RATING, is_public=True).count() == 1
    assert "4/5" in text(client_for().get(f"/laporan/{report.code}/"))
    assert "Cepat, tapi tambalannya kasar." in text(client_for(operator_pupr).get(f"/staf/laporan/{report.code}/"))


@pytest.mark.parametrize("rating", ["0", "6", "lima"])
def test_a_rating_outside_one_to_five_is_refused(city, coordinator, operator_pupr, rating):
    report = finished(make_report(), coordinator, operator_pupr)

    response = client_for().post(_private(report), {"action": "rate", "rate-rating": rating})

    assert response.status_code == 400
    assert fresh(report).rating is None


def test_reopening_within_the_window_returns_it_to_the_same_opd_with_a_fresh_deadline(
    city, coordinator, operator_pupr, time_machine
):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=WITA), tick=False)
    report = finished(make_report(), coordinator, operator_pupr)
    reopened_at = datetime(2026, 3, 9, 10, 0, tzinfo=WITA)
    time_machine.move_to(reopened_at, tick=False)

    response = client_for().post(_private(report), {"action": "reopen", "reopen-reason": "Lubangnya terbuka lagi."})

    assert response.status_code == 302
    report = fresh(report)
    assert report.status == Status.DIPROSES
    assert report.lead_unit == unit("dinas-pupr")
    assert report.reopened_count == 1
    assert report.finished_at is None
    weight_days = WEIGHT_WORKING_DAYS[Weight(report.weight)]
    assert report.due_at == work_calendar(city).add_working_days(reopened_at, weight_days)
    assert report.due_at == datetime(2026, 3, 16, 23, 59, 59, tzinfo=WITA), "normatif: five working days"
    reason = report.events.get(kind=EventKind.REPORTER)
    assert (reason.note, reason.is_public) == ("Lubangnya terbuka lagi.", False)
    operator = client_for(operator_pupr)
    assert report.code in text(operator.get("/staf/laporan/"))
    assert "Lubangnya terbuka lagi." in text(operator.get(f"/staf/laporan/{report.code}/"))
    assert AuditEvent.objects.filter(action="report.reopen", object_id=report.code).count() == 1


def _finished_on_friday_6_march(coordinator: Any, operator: Any, time_machine: Any) -> Report:
    # Ten working days after Friday 6 March 2026: 9-13 and 16-17 March, then Nyepi and Idul Fitri
    # (18-24 March), then 25, 26 and 27 March. The window closes at the end of Friday 27 March.
    time_machine.move_to(datetime(2026, 3, 6, 10, 0, tzinfo=WITA), tick=False)
    return finished(make_report(), coordinator, operator)


def test_reopening_on_the_last_day_of_the_window_still_works(city, coordinator, operator_pupr, time_machine):
    assert city.reopen_window_days == 10
    report = _finished_on_friday_6_march(coordinator, operator_pupr, time_machine)
    time_machine.move_to(datetime(2026, 3, 27, 21, 0, tzinfo=WITA), tick=False)

    response = client_for().post(_private(report), {"action": "reopen", "reopen-reason": "Masih berlubang."})

    assert response.status_code == 302
    assert fresh(report).status == Status.DIPROSES


def test_reopening_after_the_window_is_refused_with_a_message(city, coordinator, operator_pupr, time_machine):
    report = _finished_on_friday_6_march(coordinator, operator_pupr, time_machine)
    time_machine.move_to(datetime(2026, 3, 30, 8, 0, tzinfo=WITA), tick=False)
    assert 'name="reopen-reason"' not in text(client_for().get(_private(report))), "the page no longer offers it"

    response = client_for().post(_private(report), {"action": "reopen", "reopen-reason": "Masih berlubang."})

    assert response.status_code == 400
    assert "The time to reopen this report has passed. Please send a new report." in text(response)
    report = fresh(report)
    assert (report.status, report.reopened_count) == (Status.SELESAI, 0)


# The questionnaire: some weeks after the answer, "is it really fixed?"


def test_the_questionnaire_is_emailed_once_after_the_pemdas_delay_and_answered_on_the_private_page(
    city, coordinator, operator_pupr, time_machine
):
    assert city.questionnaire_after_days == 28
    finished_at = datetime(2026, 3, 2, 10, 0, tzinfo=WITA)
    time_machine.move_to(finished_at, tick=False)
    report = finished(make_report(reporter_email="warga@example.id"), coordinator, operator_pupr)

    time_machine.move_to(finished_at + timedelta(days=27, hours=23), tick=False)
    assert periodic_checks()["questionnaire"] == 0
    time_machine.move_to(finished_at + timedelta(days=28, minutes=5), tick=False)
    first = periodic_checks()
    second = periodic_checks()

    assert (first["questionnaire"], second["questionnaire"]) == (1, 0)
    to_reporter = [m for m in mail.outbox if m.to == ["warga@example.id"]]
    assert len(to_reporter) == 1
    assert _private(report) in to_reporter[0].body
    assert fresh(report).questionnaire_sent_at is not None
    page = text(client_for().get(_private(report)))
    assert "Is the problem really fixed?" in page

    response = client_for().post(_private(report), {"action": "fixed_no"})

    assert response.status_code == 302
    report = fresh(report)
    assert report.fixed_answer == FixedAnswer.NO
    assert report.events.filter(kind=EventKind.REPORTER, code="questionnaire", params__answer=FixedAnswer.NO).exists()
    assert "Is the problem really fixed?" not in text(client_for().get(_private(report))), "asked once"


def test_the_reporter_can_say_it_is_fixed(city, coordinator, operator_pupr):
    report = finished(make_report(), coordinator, operator_pupr)

    client_for().post(_private(report), {"action": "fixed_yes"})

    assert fresh(report).fixed_answer == FixedAnswer.YES


# Stopping the emails.


def test_opening_the_unsubscribe_link_shows_a_button_and_changes_nothing(city):
    report = make_report()

    response = client_for().get(_unsubscribe(report))

    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()
    assert fresh(report).email_opt_out is False


@pytest.mark.django_db(transaction=True)
def test_after_unsubscribing_no_email_reaches_the_reporter(city, coordinator, operator_pupr, time_machine):
    finished_at = datetime(2026, 3, 2, 10, 0, tzinfo=WITA)
    time_machine.move_to(finished_at, tick=False)
    report = in_progress(make_report(reporter_email="warga@example.id"), coordinator, operator_pupr)
    run_worker()
    mail.outbox.clear()

    response = client_for().post(_unsubscribe(report))

    assert response.status_code == 200
    assert fresh(report).email_opt_out is True
    assert AuditEvent.objects.filter(action="report.unsubscribe", object_id=report.code).count() == 1
    post_action(client_for(operator_pupr), report, "respond", {"text": "Dijadwalkan besok."})
    services.report_finish(report=report, actor=operator_pupr, version=None, answer="Sudah ditambal.")
    time_machine.move_to(finished_at + timedelta(days=30), tick=False)
    periodic_checks()
    run_worker()
    assert [m for m in mail.outbox if "warga@example.id" in m.to] == []


@pytest.mark.parametrize("path", ["/lacak/{code}/{token}/", "/lacak/{code}/{token}/berhenti/"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_token_is_not_found(city, path, method):
    report = make_report()
    other = make_report()

    response = getattr(client_for(), method)(path.format(code=report.code, token=other.reporter_token))

    assert response.status_code == 404
    assert fresh(report).email_opt_out is False
