"""Reminders before a report's deadline and late flags after it (the worker's periodic check), each once per
unit × report type × period, by email to the unit (and, when late, to its camat)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from balai.core.models import OutgoingMail, Unit
from balai.core.outbox import mail_deliver_all
from balai.core.selectors import work_calendar

from .. import rules
from ..models import Period, Reminder, ReportType, Submission
from ..periods import deadline, periods_ended
from .reports import mail_to_role, mail_to_unit

REMIND_WORKING_DAYS = 2


def reminders_send(now: dt.datetime) -> dict[str, int]:
    calendar = work_calendar()
    today = calendar.local_date(now)
    counts = {"reminders": 0, "late_flags": 0}
    mails: list[OutgoingMail] = []
    for report_type in ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT):
        for period in periods_ended(report_type.period, today, 1):
            due = deadline(calendar, period, report_type.deadline_days)
            if now > due:
                kind = "late"
            elif calendar.working_days_between(now, due) <= REMIND_WORKING_DAYS:
                kind = "before"
            else:
                continue
            sent = set(
                Submission.objects.filter(
                    report_type=report_type, period_key=period.key, first_sent_at__isnull=False
                ).values_list("unit_id", flat=True)
            )
            done = set(
                Reminder.objects.filter(report_type=report_type, period_key=period.key, kind=kind).values_list(
                    "unit_id", flat=True
                )
            )
            units = Unit.objects.active().filter(kind__in=report_type.unit_kinds).exclude(pk__in=sent | done)
            with transaction.atomic(), translation.override("id"):
                for unit in units.select_related("desa_mailbox"):
                    Reminder.objects.create(
                        report_type=report_type, unit=unit, period_key=period.key, kind=kind, sent_at=now
                    )
                    what = {"type": report_type.name, "period": period.key, "unit": unit.name}
                    subject = f"[Balai] {report_type.slug} {period.key} · {unit.name}"
                    if kind == "before":
                        counts["reminders"] += 1
                        body = _(
                            "Reminder: the report %(type)s for %(period)s of %(unit)s is due on %(due)s. Send it on "
                            "the web or reply to this email with 'field: value' lines.\n"
                        ) % {**what, "due": due.strftime("%d-%m-%Y")}
                        mails += mail_to_unit(unit, "reminder", subject, body)
                    else:
                        counts["late_flags"] += 1
                        body = _("The report %(type)s for %(period)s of %(unit)s is late: it was due on %(due)s.\n") % {
                            **what,
                            "due": due.strftime("%d-%m-%Y"),
                        }
                        mails += mail_to_unit(unit, "late", subject, body)
                        if unit.parent_id:
                            mails += mail_to_role([unit.parent_id], rules.Role.CAMAT, "late", subject, body)
    mail_deliver_all(mails)
    return counts
