"""Background work for reports: every email is composed here and handed to the outbox (balai.core.outbox), so a
failing mail server delays it but loses nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from balai.core.models import Membership, OutgoingMail, Role
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.selectors import pemda_current

from . import replies
from .models import EventKind, Report, ReportEvent, Status
from .timeline import sentence_lazy

log = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def reporter_links(report: Report) -> dict[str, str]:
    """The reporter's private links: follow and respond, and stop emails."""
    return {
        "track_url": _absolute(reverse("lapor:track_detail", args=[report.code])),
        "private_url": _absolute(reverse("lapor:reporter", args=[report.code, report.reporter_token])),
        "unsubscribe_url": _absolute(reverse("lapor:unsubscribe", args=[report.code, report.reporter_token])),
    }


def compose_email(
    template: str, context: dict[str, Any], to: str, language: str, *, reply_for: str = ""
) -> OutgoingMail:
    """Render the template in the recipient's language and hand the email to the outbox (balai.core.outbox).

    `reply_for` is the code of the report whose reporter this is: the email then carries the report's reply key
    (balai.lapor.replies) in its Reply-To and Message-ID, so that the intake knows a reply for theirs.
    """
    reply_address = replies.reply_address(reply_for) if reply_for else ""
    context = {**context, "can_reply": bool(reply_address)}
    with translation.override(language):
        subject = " ".join(render_to_string(f"lapor/email/{template}_subject.txt", context).split())
        body = render_to_string(f"lapor/email/{template}_body.txt", context)
    headers = {"Message-ID": replies.reply_message_id(reply_for)} if reply_for else {}
    return mail_queue(
        kind=f"lapor.{template}", to=to, subject=subject, body=body, language=language, headers=headers,
        reply_to=reply_address,
    )  # fmt: skip


def send_email(template: str, context: dict[str, Any], to: list[str], language: str, *, reply_for: str = "") -> None:
    """Compose one email per address into the outbox (together or not at all), then try to send them now."""
    with transaction.atomic():
        mails = [compose_email(template, context, address, language, reply_for=reply_for) for address in to]
    mail_deliver_all(mails)


def reporter_recipients(report: Report) -> list[Report]:
    """The report and every duplicate merged into it whose reporter wants email."""
    reports = [report, *Report.objects.filter(merged_into=report)]
    return [r for r in reports if r.reporter_email and not r.email_opt_out]


@task()
def send_report_received(code: str) -> None:
    report = Report.objects.select_related("category", "kelurahan").get(code=code)
    if not report.reporter_email or report.email_opt_out:
        return
    context = {"report": report, "pemda": pemda_current(), **reporter_links(report)}
    send_email("received", context, [report.reporter_email], report.language, reply_for=report.code)


def update_context(event: ReportEvent, facts: dict[str, str]) -> dict[str, Any]:
    """What the update email says about its event: what it is `about` (the event's own status, or a public
    answer), its sentence in the recipient's language and the staff's words (`facts["text"]`)."""
    about = "response" if event.kind == EventKind.RESPONSE else event.to_status
    return {
        "event": event,
        "about": about,
        "facts": facts,
        # Lazy: rendered in the recipient's language by send_email.
        "status_label": Status(event.to_status).label if event.to_status else "",
        # The timeline's own sentence (balai/lapor/timeline.py), worded in the recipient's language.
        "sentence": sentence_lazy(event.code, event.params),
    }


@task()
def send_report_update(code: str, event_id: int, facts: dict[str, str] | None = None) -> None:
    """Tell the reporter (and the reporters of merged duplicates) about one public event: that event's status,
    subject and words, in each recipient's language, whatever the report's status is when the email goes out.

    `facts` come from the service (balai.lapor.services._steps.notify_reporter); an email queued before they
    existed falls back on the event's note as written."""
    report = Report.objects.select_related("lead_unit").get(code=code)
    event = ReportEvent.objects.get(pk=event_id, report=report)
    about = update_context(event, facts if facts is not None else {"text": event.note})
    with transaction.atomic():
        mails = [
            compose_email(
                "update",
                {"report": report, **about, "pemda": pemda_current(), **reporter_links(recipient)},
                recipient.reporter_email,
                recipient.language,
                reply_for=recipient.code,
            )
            for recipient in reporter_recipients(report)
        ]
    mail_deliver_all(mails)


def staff_emails(unit_ids: Iterable[int | None], roles: Iterable[str]) -> list[tuple[str, str]]:
    """(email, language) of active staff with these roles in these units."""
    user_ids = Membership.objects.filter(
        unit_id__in=[u for u in unit_ids if u], role__in=list(roles), is_active=True, user__is_active=True
    ).values_list("user_id", flat=True)
    return with_language(get_user_model().objects.filter(pk__in=user_ids).exclude(email=""))


def with_language(users: Any) -> list[tuple[str, str]]:
    """Each staff member's email and chosen language (Indonesian unless they switched to English)."""
    from balai.core.models import StaffPreference

    chosen = dict(StaffPreference.objects.filter(user__in=users).values_list("user_id", "language"))
    return [(u.email, chosen.get(u.pk, "id")) for u in users]


def coordinator_emails() -> list[tuple[str, str]]:
    user_ids = Membership.objects.filter(role=Role.KOORDINATOR, is_active=True).values_list("user_id", flat=True)
    return with_language(get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email=""))


def compose_staff(
    template: str, report: Report | None, recipients: list[tuple[str, str]], **extra: Any
) -> list[OutgoingMail]:
    """One email per staff member into the outbox, each in their language; call it inside a transaction."""
    mails = []
    for email, language in recipients:
        context = {"report": report, "pemda": pemda_current(), "inbox_url": _absolute(reverse("staff:inbox")), **extra}
        if report is not None:
            context["staff_url"] = _absolute(reverse("staff:report", args=[report.code]))
        mails.append(compose_email(template, context, email, language))
    return mails


def send_staff(template: str, report: Report | None, recipients: list[tuple[str, str]], **extra: Any) -> None:
    with transaction.atomic():
        mails = compose_staff(template, report, recipients, **extra)
    mail_deliver_all(mails)


@task()
def notify_unit_dispatch(code: str) -> None:
    """The operators of the OPD learn that a report is theirs (no reporter identity in the email)."""
    report = Report.objects.select_related("lead_unit", "category", "kelurahan").get(code=code)
    send_staff("dispatched", report, staff_emails([report.lead_unit_id], [Role.OPERATOR]))


@task()
def send_staff_email(template: str, code: str, email: str, language: str, attempt: int = 1) -> None:
    """One escalation email to one staff member, through the outbox (which retries a failing mail server).

    `attempt` is accepted for the retries that earlier versions queued; the outbox counts attempts now."""
    report = Report.objects.select_related("lead_unit", "category", "kelurahan").get(code=code)
    send_staff(template, report, [(email, language)])


@task()
def send_reporter_email(template: str, code: str, attempt: int = 1) -> None:
    """An email to the reporter about their report (the 'is it fixed?' question), through the outbox."""
    report = Report.objects.select_related("category", "kelurahan", "lead_unit").get(code=code)
    if not report.reporter_email or report.email_opt_out:
        return
    context = {"report": report, "pemda": pemda_current(), **reporter_links(report)}
    send_email(template, context, [report.reporter_email], report.language, reply_for=report.code)


def periodic_checks(now: datetime) -> dict[str, int]:
    """The reporting module's periodic work (registered in apps.py): deadlines, escalations, questionnaires."""
    from .escalation import periodic_checks as deadline_checks

    return deadline_checks(now)


def refresh_planner_statistics(now: datetime) -> dict[str, int]:
    """SQLite keeps no query planner statistics by itself; without them the inbox slows down with the backlog."""
    from django.db import connection

    from .search import refresh_statistics

    refresh_statistics(connection)
    return {"statistics_refreshed": 1}
