"""Asking the reporter for more pauses the verification clock; it resumes when they answer, or the report is closed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from balai.core.models import AuditEvent
from balai.lapor import services
from balai.lapor.models import ArchiveReason, EventKind, Report, Status
from balai.lib.workdays import national_holidays
from tests.factories import make_report
from tests.periodic import periodic_checks

from .steps import client_for, fresh, post_action, text

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")  # Kota Bitung


def _private_url(report: Report) -> str:
    return f"/lacak/{report.code}/{report.reporter_token}/"


def _answer(report: Report, answer: str) -> Any:
    return client_for().post(_private_url(report), {"action": "clarify", "clarify-answer": answer})


def test_asking_the_reporter_puts_the_report_on_hold_and_shows_the_question_on_their_private_page(
    city, coordinator, time_machine
):
    asked_at = datetime(2026, 3, 2, 10, 0, tzinfo=WITA)
    time_machine.move_to(asked_at, tick=False)
    report = make_report()

    response = post_action(
        client_for(coordinator), report, "clarify", {"question": "Di depan rumah nomor berapa, Bapak/Ibu?"}
    )

    assert response.status_code == 302
    report = fresh(report)
    assert (report.status, report.paused_at) == (Status.DITUNDA, asked_at)
    event = report.events.get(to_status=Status.DITUNDA)
    assert (event.note, event.is_public) == ("Di depan rumah nomor berapa, Bapak/Ibu?", True)
    assert AuditEvent.objects.filter(action="report.request_clarification", object_id=report.code).count() == 1
    page = text(client_for().get(_private_url(report)))
    assert "Di depan rumah nomor berapa, Bapak/Ibu?" in page
    assert 'name="clarify-answer"' in page


def test_the_reporters_answer_returns_the_report_to_the_coordinator_and_stays_internal(
    city, coordinator, operator_pupr
):
    report = make_report()
    services.report_request_clarification(report=report, actor=coordinator, version=None, question="RT berapa?")

    response = _answer(report, "RT 03 / RW 02, depan Masjid Al-Ikhlas.")

    assert response.status_code == 302
    assert response.url == _private_url(report)
    report = fresh(report)
    assert (report.status, report.paused_at) == (Status.DITERIMA, None)
    answer = report.events.get(kind=EventKind.REPORTER)
    assert (answer.note, answer.is_public) == ("RT 03 / RW 02, depan Masjid Al-Ikhlas.", False)
    assert "RT 03 / RW 02, depan Masjid Al-Ikhlas." in text(
        client_for(coordinator).get(f"/staf/laporan/{report.code}/")
    )
    assert "Masjid Al-Ikhlas" not in text(client_for().get(f"/laporan/{report.code}/"))
    assert "Masjid Al-Ikhlas" not in text(client_for().get(f"/lacak/{report.code}/"))
    assert AuditEvent.objects.filter(action="report.clarify", object_id=report.code).count() == 1


def test_an_empty_answer_is_refused_and_the_report_stays_on_hold(city, coordinator):
    report = make_report()
    services.report_request_clarification(report=report, actor=coordinator, version=None, question="RT berapa?")

    response = _answer(report, "   ")

    assert response.status_code == 400
    assert fresh(report).status == Status.DITUNDA


def test_2027_has_the_holiday_the_next_test_crosses():
    assert national_holidays(2027)[date(2027, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"


@pytest.mark.parametrize(
    ("received", "asked", "answered", "due_before", "due_after"),
    [
        pytest.param(
            # Thursday; due after Fri, Mon, Tue. Waiting over the weekend costs the working days Fri and Mon only.
            datetime(2026, 3, 5, 10, 0, tzinfo=WITA),
            datetime(2026, 3, 5, 14, 0, tzinfo=WITA),
            datetime(2026, 3, 9, 9, 0, tzinfo=WITA),
            datetime(2026, 3, 10, 23, 59, 59, tzinfo=WITA),
            datetime(2026, 3, 12, 23, 59, 59, tzinfo=WITA),
            id="over-a-weekend",
        ),
        pytest.param(
            # Tuesday 17 March 2026; Nyepi and Idul Fitri close 18-24 March, so due Wed 25, Thu 26, Fri 27.
            # Answered on Wednesday 25: one working day was paused.
            datetime(2026, 3, 17, 9, 0, tzinfo=WITA),
            datetime(2026, 3, 17, 10, 0, tzinfo=WITA),
            datetime(2026, 3, 25, 8, 0, tzinfo=WITA),
            datetime(2026, 3, 27, 23, 59, 59, tzinfo=WITA),
            datetime(2026, 3, 30, 23, 59, 59, tzinfo=WITA),
            id="over-idul-fitri-2026",
        ),
        pytest.param(
            # Answered during the cuti bersama: no working day was lost, the deadline does not move.
            datetime(2026, 3, 17, 9, 0, tzinfo=WITA),
            datetime(2026, 3, 17, 10, 0, tzinfo=WITA),
            datetime(2026, 3, 23, 11, 0, tzinfo=WITA),
            datetime(2026, 3, 27, 23, 59, 59, tzinfo=WITA),
            datetime(2026, 3, 27, 23, 59, 59, tzinfo=WITA),
            id="answered-during-cuti-bersama",
        ),
        pytest.param(
            # Friday 13 August 2027; due Mon 16, (17 August), Wed 18, Thu 19. Paused Mon 16 and Wed 18.
            datetime(2027, 8, 13, 9, 0, tzinfo=WITA),
            datetime(2027, 8, 13, 11, 0, tzinfo=WITA),
            datetime(2027, 8, 18, 9, 0, tzinfo=WITA),
            datetime(2027, 8, 19, 23, 59, 59, tzinfo=WITA),
            datetime(2027, 8, 23, 23, 59, 59, tzinfo=WITA),
            id="over-independence-day-2027",
        ),
    ],
)
def test_the_verification_deadline_moves_by_the_working_days_spent_waiting_for_the_reporter(
    city, coordinator, time_machine, received, asked, answered, due_before, due_after
):
    time_machine.move_to(received, tick=False)
    report = make_report()
    assert report.verify_due_at == due_before
    time_machine.move_to(asked, tick=False)
    post_action(client_for(coordinator), report, "clarify", {"question": "Bisa kirim patokan terdekat?"})
    time_machine.move_to(answered, tick=False)

    response = _answer(report, "Dekat SD Negeri 3.")

    assert response.status_code == 302
    report = fresh(report)
    assert report.status == Status.DITERIMA
    assert report.verify_due_at == due_after


# With no answer the report is closed by the periodic checks after the Pemda's timeout.


def test_a_question_unanswered_for_the_timeout_is_archived_by_the_periodic_checks(city, coordinator, time_machine):
    assert city.clarification_timeout_days == 10
    # Monday 2 March 2026; ten working days later is Monday 16 March.
    time_machine.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=WITA), tick=False)
    report = make_report()
    services.report_request_clarification(report=report, actor=coordinator, version=None, question="RT berapa?")

    time_machine.move_to(datetime(2026, 3, 13, 22, 0, tzinfo=WITA), tick=False)  # nine working days
    assert periodic_checks()["clarification_closed"] == 0
    assert fresh(report).status == Status.DITUNDA

    time_machine.move_to(datetime(2026, 3, 16, 8, 0, tzinfo=WITA), tick=False)
    counts = periodic_checks()

    assert counts["clarification_closed"] == 1
    report = fresh(report)
    assert (report.status, report.archive_reason) == (Status.DIARSIPKAN, ArchiveReason.NO_ANSWER)
    assert report.paused_at is None
    closing = report.events.get(to_status=Status.DIARSIPKAN)
    assert closing.actor is None and closing.actor_label == "sistem"
    assert "No answer from the reporter within 10 working days." in closing.text
    audit = AuditEvent.objects.get(action="report.archive", object_id=report.code)
    assert audit.actor is None and audit.changes["reason"] == ArchiveReason.NO_ANSWER
    assert periodic_checks()["clarification_closed"] == 0, "closed once"


def test_the_timeout_counts_working_days_so_idul_fitri_does_not_close_a_question(city, coordinator, time_machine):
    # Asked Monday 16 March 2026. Working days after it: Tue 17, (18-24 March off), 25, 26, 27, 30, 31 March,
    # 1 and 2 April, (Good Friday 3 April), Monday 6 April is the ninth and Tuesday 7 April the tenth.
    asked = datetime(2026, 3, 16, 10, 0, tzinfo=WITA)
    time_machine.move_to(asked, tick=False)
    report = make_report()
    services.report_request_clarification(report=report, actor=coordinator, version=None, question="RT berapa?")

    time_machine.move_to(asked + timedelta(days=14), tick=False)
    periodic_checks()
    assert fresh(report).status == Status.DITUNDA, "fourteen calendar days, but only five working days"
    time_machine.move_to(datetime(2026, 4, 6, 23, 0, tzinfo=WITA), tick=False)
    periodic_checks()
    assert fresh(report).status == Status.DITUNDA, "nine working days"

    time_machine.move_to(datetime(2026, 4, 7, 7, 0, tzinfo=WITA), tick=False)
    periodic_checks()
    assert fresh(report).status == Status.DIARSIPKAN
