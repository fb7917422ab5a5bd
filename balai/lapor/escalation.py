"""Periodic checks: deadline warnings and escalations, stale clarifications, the 'is it fixed?' question, digests.

Each notification is claimed in NotificationLog before it is sent, inside the same transaction as its
timeline event, so running the checks twice (or on two workers) never sends anything twice.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.models import Membership, Role
from balai.core.selectors import pemda_current, work_calendar
from balai.dasbor import summary
from balai.lib.workdays import WorkCalendar

from .models import ArchiveReason, EventKind, NotificationLog, Report, ReportEvent, Status
from .tasks import coordinator_emails, reporter_links, send_email, send_staff, staff_emails, with_language

DIGEST_HOUR = 7
COORDINATOR_AFTER_OVERDUE_DAYS = 2


def _claim(kind: str, key: str, report: Report | None = None) -> bool:
    """True the first time (kind, key) is seen; the caller then sends."""
    try:
        with transaction.atomic():
            NotificationLog.objects.create(kind=kind, key=key[:80], report=report)
    except IntegrityError:
        return False
    return True


def _escalate(report: Report, kind: str, note: str, template: str, recipients: list[tuple[str, str]]) -> bool:
    with transaction.atomic():
        if not _claim(kind, f"{report.code}:{report.due_at or report.verify_due_at:%Y%m%d%H%M}", report):
            return False
        ReportEvent.objects.create(
            report=report, created_at=timezone.now(), actor_label="sistem", kind=EventKind.ESCALATION,
            note=note, is_public=False,
        )  # fmt: skip
        send_staff(template, report, recipients)
    return True


def periodic_checks(now: datetime | None = None) -> dict[str, int]:
    pemda = pemda_current()
    if pemda is None:
        return {}
    now = now or timezone.now()
    calendar = work_calendar(pemda)
    soon = calendar.add_working_days(now, 1)
    counts = {"due_soon": 0, "overdue_head": 0, "overdue_coordinator": 0, "verify_overdue": 0,
              "clarification_closed": 0, "questionnaire": 0, "digest": 0}  # fmt: skip
    handling = Report.objects.filter(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES], due_at__isnull=False)
    for report in handling.filter(due_at__gt=now, due_at__lte=soon).select_related("lead_unit"):
        counts["due_soon"] += _escalate(
            report, "due_soon", _("Due within one working day: the operators were reminded."), "due_soon",
            staff_emails([report.lead_unit_id], [Role.OPERATOR]),
        )  # fmt: skip
    for report in handling.filter(due_at__lte=now).select_related("lead_unit"):
        counts["overdue_head"] += _escalate(
            report, "overdue_head", _("Overdue: escalated to the head of the OPD."), "overdue",
            staff_emails([report.lead_unit_id], [Role.PIMPINAN]),
        )  # fmt: skip
        if report.due_at and calendar.working_days_between(report.due_at, now) >= COORDINATOR_AFTER_OVERDUE_DAYS:
            counts["overdue_coordinator"] += _escalate(
                report, "overdue_coordinator", _("Still overdue: escalated to the coordinator."), "overdue",
                coordinator_emails(),
            )  # fmt: skip
    for report in Report.objects.filter(status=Status.DITERIMA, verify_due_at__lte=now):
        counts["verify_overdue"] += _escalate(
            report, "verify_overdue", _("Verification is overdue: the coordinators were reminded."), "overdue",
            coordinator_emails(),
        )  # fmt: skip
    counts["clarification_closed"] = _close_stale_clarifications(now, calendar, pemda.clarification_timeout_days)
    if pemda.questionnaire_after_days:
        counts["questionnaire"] = _send_questionnaires(now, pemda.questionnaire_after_days)
    counts["digest"] = _send_digests(now, pemda.time_zone)
    return counts


def _close_stale_clarifications(now: datetime, calendar: WorkCalendar, timeout_days: int) -> int:
    from .workflow import report_archive

    closed = 0
    for report in Report.objects.filter(status=Status.DITUNDA, paused_at__isnull=False):
        if report.paused_at and calendar.working_days_between(report.paused_at, now) >= timeout_days:
            report_archive(
                report=report, actor=None, version=None, reason=ArchiveReason.NO_ANSWER,
                note=_("No answer from the reporter within %(n)d working days.") % {"n": timeout_days},
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
            if not _claim("questionnaire", report.code, report):
                continue
            locked = Report.objects.select_for_update().get(pk=report.pk)
            before = summary.report_fact(locked)
            locked.questionnaire_sent_at = now
            locked.save(update_fields=["questionnaire_sent_at"])
            summary.report_changed(before, locked)
            send_email("questionnaire", {"report": report, "pemda": pemda_current(), **reporter_links(report)},
                  [report.reporter_email], report.language)  # fmt: skip
            sent += 1
    return sent


def _send_digests(now: datetime, tz: str) -> int:
    """Once a day after 07:00 local time: each OPD head gets their unit's open, new and overdue counts and its
    readiness flags; each coordinator gets the OPD that are not ready to run the applications, if any."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from balai.dasbor.readiness import Flag, FlagCode, opd_readiness

    local = timezone.localtime(now, timezone=ZoneInfo(tz))
    if local.time() < time(DIGEST_HOUR):
        return 0
    sent = 0
    readiness = opd_readiness(now=now)
    of_unit = {opd.unit.pk: opd for opd in readiness.opds}
    readiness_url = settings.SITE_URL + reverse("dasbor:readiness")
    heads = Membership.objects.filter(
        role=Role.PIMPINAN, is_active=True, unit__is_leadership=False, user__is_active=True
    ).select_related("unit", "user")
    for membership in heads:
        if not membership.user.email:
            continue
        stats = Report.objects.filter(lead_unit=membership.unit, status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES]).aggregate(
            open=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now)),
            new=Count("id", filter=Q(status=Status.DIDISPOSISIKAN)),
        )  # fmt: skip
        opd = of_unit.get(membership.unit_id)
        opd_url = settings.SITE_URL + reverse("dasbor:readiness_detail", args=[opd.unit.slug]) if opd else ""
        with transaction.atomic():
            if not _claim("digest", f"{membership.user_id}:{membership.unit_id}:{local:%Y%m%d}"):
                continue
            send_staff("digest", None, with_language([membership.user]), unit=membership.unit, stats=stats,
                       day=local.date(), readiness=opd, readiness_url=opd_url)  # fmt: skip
            sent += 1
    if not readiness.not_ready:
        return sent
    # Coordinators: one email a day with the OPD that are not ready (none when every OPD is).
    coordinator_ids = Membership.objects.filter(role=Role.KOORDINATOR, is_active=True).values("user_id")
    rules = [Flag(code) for code in FlagCode]
    coordinators = get_user_model().objects.filter(pk__in=coordinator_ids, is_active=True).exclude(email="")
    for user in coordinators.order_by("pk"):
        with transaction.atomic():
            if not _claim("readiness_digest", f"{user.pk}:{local:%Y%m%d}"):
                continue
            send_staff("readiness_digest", None, with_language([user]), summary=readiness, rules=rules,
                       day=local.date(), readiness_url=readiness_url)  # fmt: skip
            sent += 1
    return sent
