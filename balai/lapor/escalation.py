"""Periodic checks: deadline warnings and escalations, stale clarifications, the 'is it fixed?' question.

Each notification is claimed in NotificationLog inside the same transaction as its timeline event and its
queued emails, so running the checks twice (or on two workers) never sends anything twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from balai.core.models import Role
from balai.core.selectors import pemda_current, work_calendar
from balai.lib.workdays import WorkCalendar

from . import services
from .models import ArchiveReason, Report, Status
from .tasks import coordinator_emails, send_reporter_email, send_staff_email, staff_emails

COORDINATOR_AFTER_OVERDUE_DAYS = 2


def _escalate(report: Report, kind: str, template: str, recipients: list[tuple[str, str]]) -> bool:
    """Record the escalation once (services.report_escalate) and queue one email per recipient in the same
    transaction: the worker sends them later, each retried on its own, and no mail server is waited for while
    the report is locked."""
    with transaction.atomic():
        key = f"{report.code}:{report.due_at or report.verify_due_at:%Y%m%d%H%M}"
        if not services.report_escalate(report=report, kind=kind, key=key):
            return False
        for email, language in recipients:
            send_staff_email.enqueue(template, report.code, email, language)
    return True


def periodic_checks(now: datetime | None = None) -> dict[str, int]:
    pemda = pemda_current()
    if pemda is None:
        return {}
    now = now or timezone.now()
    calendar = work_calendar(pemda)
    soon = calendar.add_working_days(now, 1)
    counts = {"due_soon": 0, "overdue_head": 0, "overdue_coordinator": 0, "verify_overdue": 0,
              "clarification_closed": 0, "questionnaire": 0}  # fmt: skip
    handling = Report.objects.filter(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES], due_at__isnull=False)
    for report in handling.filter(due_at__gt=now, due_at__lte=soon).select_related("lead_unit"):
        counts["due_soon"] += _escalate(
            report, "due_soon", "due_soon",
            staff_emails([report.lead_unit_id], [Role.OPERATOR]),
        )  # fmt: skip
    for report in handling.filter(due_at__lte=now).select_related("lead_unit"):
        counts["overdue_head"] += _escalate(
            report, "overdue_head", "overdue",
            staff_emails([report.lead_unit_id], [Role.PIMPINAN]),
        )  # fmt: skip
        if report.due_at and calendar.working_days_between(report.due_at, now) >= COORDINATOR_AFTER_OVERDUE_DAYS:
            counts["overdue_coordinator"] += _escalate(
                report, "overdue_coordinator", "overdue",
                coordinator_emails(),
            )  # fmt: skip
    for report in Report.objects.filter(status=Status.DITERIMA, verify_due_at__lte=now):
        counts["verify_overdue"] += _escalate(
            report, "verify_overdue", "overdue",
            coordinator_emails(),
        )  # fmt: skip
    counts["clarification_closed"] = _close_stale_clarifications(now, calendar, pemda.clarification_timeout_days)
    if pemda.questionnaire_after_days:
        counts["questionnaire"] = _send_questionnaires(now, pemda.questionnaire_after_days)
    return counts


def _close_stale_clarifications(now: datetime, calendar: WorkCalendar, timeout_days: int) -> int:
    closed = 0
    for report in Report.objects.filter(status=Status.DITUNDA, paused_at__isnull=False):
        if report.paused_at and calendar.working_days_between(report.paused_at, now) >= timeout_days:
            services.report_archive(
                report=report, actor=None, version=None, reason=ArchiveReason.NO_ANSWER,
                no_answer_days=timeout_days,
            )  # fmt: skip
            closed += 1
    return closed


def _send_questionnaires(now: datetime, after_days: int) -> int:
    sent = 0
    due = Report.objects.filter(
        status=Status.SELESAI, questionnaire_sent_at__isnull=True, finished_at__lte=now - timedelta(days=after_days),
        email_opt_out=False,
    ).exclude(reporter_email="")  # fmt: skip
    for report in due:
        with transaction.atomic():
            if services.report_questionnaire_sent(report=report, at=now):
                send_reporter_email.enqueue("questionnaire", report.code)
                sent += 1
    return sent
