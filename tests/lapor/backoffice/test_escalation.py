"""Late work escalates: reminders to the OPD's operators, then its head, then the coordinator; each is sent once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from balai.lapor.models import EventKind, NotificationLog, Report, ReportEvent, Weight
from balai.platform.tasks import periodic_enqueue
from tests.factories import make_report
from tests.periodic import periodic_checks

from .steps import dispatched, fresh, run_worker

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
OPERATOR = "operator.pupr@demo.balai.local"
HEAD = "kepala.pupr@demo.balai.local"
COORDINATOR = "koordinator@demo.balai.local"
# Dispatched on Monday 2 March 2026 at 09:00 WITA as ringan (2 working days): due at the end of Wednesday 4 March.
DISPATCHED = datetime(2026, 3, 2, 9, 0, tzinfo=WITA)


def _at(time_machine: Any, *args: int) -> None:
    time_machine.move_to(datetime(*args, tzinfo=WITA), tick=False)


def _about(report: Report) -> list[tuple[str, ...]]:
    """Who was emailed about this report (digests name no report)."""
    return [tuple(m.to) for m in mail.outbox if report.code in m.subject + m.body]


def _escalations(report: Report) -> list[ReportEvent]:
    return list(ReportEvent.objects.filter(report=report, kind=EventKind.ESCALATION))


@pytest.fixture
def late_report(city: Any, coordinator: Any, time_machine: Any) -> Report:
    time_machine.move_to(DISPATCHED, tick=False)
    report = dispatched(make_report(), coordinator, weight=Weight.RINGAN)
    assert report.due_at == datetime(2026, 3, 4, 23, 59, 59, tzinfo=WITA)
    return report


def test_nothing_is_sent_while_the_deadline_is_more_than_a_working_day_away(late_report, time_machine):
    _at(time_machine, 2026, 3, 2, 15, 0)  # Monday afternoon: due Wednesday night

    periodic_checks()

    assert _about(late_report) == []
    assert _escalations(late_report) == []


def test_due_within_a_working_day_the_operators_get_one_reminder(late_report, time_machine):
    _at(time_machine, 2026, 3, 3, 10, 0)  # Tuesday morning

    first = periodic_checks()
    second = periodic_checks()

    assert (first["due_soon"], second["due_soon"]) == (1, 0)
    assert _about(late_report) == [(OPERATOR,)]
    (event,) = _escalations(late_report)
    assert (event.is_public, event.actor_label) == (False, "sistem")
    assert "operators were reminded" in event.text


def test_overdue_the_head_of_the_opd_is_told_once_and_after_two_working_days_the_coordinator(late_report, time_machine):
    _at(time_machine, 2026, 3, 5, 8, 0)  # Thursday: overdue by one working day
    periodic_checks()
    assert _about(late_report) == [(HEAD,)]

    mail.outbox.clear()
    _at(time_machine, 2026, 3, 5, 16, 0)
    periodic_checks()
    assert _about(late_report) == [], "the head was told already"

    _at(time_machine, 2026, 3, 6, 8, 0)  # Friday: two working days late
    periodic_checks()
    periodic_checks()
    assert _about(late_report) == [(COORDINATOR,)]

    mail.outbox.clear()
    _at(time_machine, 2026, 3, 9, 8, 0)  # the next Monday
    periodic_checks()
    assert _about(late_report) == []
    notes = [e.text for e in _escalations(late_report)]
    assert notes == ["Overdue: escalated to the head of the OPD.", "Still overdue: escalated to the coordinator."]


def test_a_weekend_does_not_count_towards_the_coordinators_escalation(city, coordinator, time_machine):
    # Dispatched Wednesday 4 March as ringan: due the end of Friday 6 March.
    _at(time_machine, 2026, 3, 4, 9, 0)
    report = dispatched(make_report(), coordinator, weight=Weight.RINGAN)
    _at(time_machine, 2026, 3, 9, 8, 0)  # Monday: one working day late, three calendar days

    periodic_checks()

    assert _about(report) == [(HEAD,)]


def test_a_reopened_report_with_a_new_deadline_is_escalated_again(late_report, time_machine, operator_pupr):
    from balai.lapor import services

    _at(time_machine, 2026, 3, 3, 10, 0)
    periodic_checks()
    services.report_accept(report=late_report, actor=operator_pupr, version=None)
    services.report_finish(report=late_report, actor=operator_pupr, version=None, answer="Sudah.")
    services.report_reopen(report=late_report, reason="Belum.")  # due again at the end of Thursday 5 March
    mail.outbox.clear()
    _at(time_machine, 2026, 3, 4, 10, 0)

    periodic_checks()

    assert _about(late_report) == [(OPERATOR,)], "a new deadline is a new reminder"


def test_overdue_verification_reminds_the_coordinators_once(city, time_machine):
    _at(time_machine, 2026, 3, 2, 9, 0)
    report = make_report()  # verify by the end of Thursday 5 March
    _at(time_machine, 2026, 3, 5, 20, 0)
    periodic_checks()
    assert _about(report) == []

    _at(time_machine, 2026, 3, 6, 8, 0)
    first = periodic_checks()
    second = periodic_checks()

    assert (first["verify_overdue"], second["verify_overdue"]) == (1, 0)
    assert _about(report) == [(COORDINATOR,)]
    assert any(report.code in m.subject and report.code in m.body for m in mail.outbox if m.to == [COORDINATOR])
    assert len(_escalations(report)) == 1


def _digests() -> list[Any]:
    """The head's daily summaries: the emails to them that are about no single report."""
    return [m for m in mail.outbox if m.to == [HEAD] and not re.search(r"BTG-[A-Z0-9]{4}-[A-Z0-9]{4}", m.body)]


def test_the_head_gets_a_daily_digest_after_seven_local_time_once_a_day(late_report, time_machine):
    _at(time_machine, 2026, 3, 3, 6, 59)
    assert periodic_checks()["digest"] == 0
    assert _digests() == []

    _at(time_machine, 2026, 3, 3, 7, 1)
    periodic_checks()
    _at(time_machine, 2026, 3, 3, 16, 0)
    periodic_checks()
    assert len(_digests()) == 1
    # New (not yet accepted), open, overdue.
    assert re.findall(r": (\d+)$", _digests()[0].body, re.MULTILINE) == ["1", "1", "0"]

    _at(time_machine, 2026, 3, 4, 7, 30)
    periodic_checks()
    assert len(_digests()) == 2


def test_the_digest_day_is_the_pemdas_local_day(late_report, time_machine):
    # 23:30 UTC on 2 March is 07:30 on 3 March in Bitung (WITA, UTC+8), though still 2 March in Jakarta and UTC.
    time_machine.move_to(datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False)

    periodic_checks()

    assert len(_digests()) == 1
    assert re.search(r"\b3 (March|Maret) 2026", _digests()[0].body)


def test_every_notification_is_claimed_once_in_the_notification_log(late_report, time_machine):
    _at(time_machine, 2026, 3, 6, 8, 0)
    periodic_checks()
    claims = NotificationLog.objects.count()

    periodic_checks()
    periodic_checks()

    assert NotificationLog.objects.count() == claims
    kinds = set(NotificationLog.objects.filter(report=late_report).values_list("kind", flat=True))
    assert kinds == {"overdue_head", "overdue_coordinator"}


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_periodic_checks(late_report, time_machine):
    run_worker()  # the dispatch emails
    mail.outbox.clear()
    _at(time_machine, 2026, 3, 3, 10, 0)
    periodic_enqueue()

    call_command("worker", "--batch")

    assert _about(late_report) == [(OPERATOR,)]
    assert len(_escalations(fresh(late_report))) == 1


def test_an_smtp_failure_for_one_recipient_is_retried_later_without_holding_back_the_others(
    late_report, time_machine, settings
):
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult

    from balai.core.models import OutgoingMail, Role, Unit
    from balai.core.services import membership_grant
    from tests import mail_backends
    from tests.periodic import run_queued

    second_head = get_user_model().objects.create_user("wakil.pupr", email="wakil.pupr@demo.balai.local")
    membership_grant(actor=None, user=second_head, unit=Unit.objects.get(slug="dinas-pupr"), role=Role.PIMPINAN)
    settings.EMAIL_BACKEND = "tests.mail_backends.PartlyDownBackend"
    mail_backends.DOWN_FOR.clear()
    mail_backends.DOWN_FOR.add("wakil.pupr@demo.balai.local")
    _at(time_machine, 2026, 3, 5, 8, 0)  # overdue: both heads are told

    periodic_checks()

    assert _about(late_report) == [(HEAD,)], "the head whose mail works is told at once"
    assert len(_escalations(late_report)) == 1
    (kept,) = OutgoingMail.objects.filter(to="wakil.pupr@demo.balai.local", kind="lapor.overdue")
    assert (kept.state, kept.attempts) == ("queued", 1), "the failed email waits in the outbox"
    assert kept.next_attempt_at == timezone.now() + timedelta(minutes=1)
    assert kept.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    (retry,) = [row for row in DBTaskResult.objects.filter(status="READY") if row.args_kwargs["args"] == [kept.pk, 2]]
    assert retry.run_after == kept.next_attempt_at, "the failed attempt queued its retry"

    def wakil_about_the_report() -> list[list[str]]:
        return [m.to for m in mail.outbox if "wakil" in m.to[0] and late_report.code in m.subject + m.body]

    # The server is back; the retry runs when its time comes, and only then.
    mail_backends.DOWN_FOR.clear()
    run_queued()
    assert wakil_about_the_report() == []
    time_machine.move_to(timezone.now() + timedelta(minutes=2), tick=False)
    run_queued()
    assert wakil_about_the_report() == [["wakil.pupr@demo.balai.local"]]
    kept.refresh_from_db()
    assert (kept.state, kept.attempts) == ("sent", 2)
    assert len(_escalations(late_report)) == 1, "a retried email is not a second escalation"
