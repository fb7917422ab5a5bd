"""The outbox: every email Balai sends is first an OutgoingMail row, then delivered from it, so that a mail server
that is down delays an email but never loses it.

A module renders its email and hands it over with `mail_queue` (inside the transaction that caused it) and then
asks for a first attempt with `mail_deliver_all`. A failed attempt is retried after each pause of
MAIL_RETRY_MINUTES in turn (a task queued for that moment); after the last one the email is undelivered and waits
in the staff's "Undelivered mail" list, where a coordinator or the system administrator sends it again.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from .models import MailState, OutgoingMail
from .services import Actor, audit_record

log = logging.getLogger(__name__)

# A queued email whose attempt is this late has lost its task (a worker stopped mid-send): the periodic upkeep
# tries it.
OVERDUE_AFTER = timedelta(minutes=10)
# The periodic upkeep tries at most this many overdue emails per run (each attempt may wait EMAIL_TIMEOUT).
OVERDUE_PER_RUN = 20


class MailResendError(ValueError):
    pass


def mail_queue(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    language: str,
    headers: dict[str, str] | None = None,
    reply_to: str = "",
) -> OutgoingMail:
    """Keep one rendered email for delivery; call it inside the transaction of what causes the email."""
    return OutgoingMail.objects.create(
        kind=kind[:60],
        to=to,
        subject=subject[:300],
        body=body,
        language=language,
        headers=headers or {},
        reply_to=reply_to,
        next_attempt_at=timezone.now(),
    )


def mail_deliver_all(mails: Iterable[OutgoingMail]) -> int:
    """The first attempt of each email, now (after the transaction that queued them); the number sent."""
    return sum(mail_deliver(mail.pk, attempt=mail.attempts + 1) for mail in mails)


def _pause(attempt: int) -> timedelta | None:
    """The pause after failed attempt number `attempt`, or None when it was the last."""
    schedule = settings.MAIL_RETRY_MINUTES
    return timedelta(minutes=schedule[attempt - 1]) if attempt <= len(schedule) else None


def _error_text(exc: BaseException) -> str:
    """What went wrong, for the staff's list: the kind of error and the server's words, never the password."""
    text = f"{type(exc).__name__}: {exc}"
    password = settings.EMAIL_HOST_PASSWORD
    if password:
        text = text.replace(password, "***")
    return text[:300]


def mail_deliver(mail_id: int, *, attempt: int) -> bool:
    """Attempt number `attempt` of one email: True if the mail server took it.

    The attempt is claimed first (a short transaction), so two tasks for the same attempt (a retry and a resend,
    say) send it once; the email is sent outside any transaction, since a mail server may take seconds."""
    now = timezone.now()
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.state != MailState.QUEUED or mail.attempts != attempt - 1:
            return False
        mail.attempts = attempt
        mail.last_attempt_at = now
        # Should this process stop mid-send, the upkeep finds the email overdue from this moment on.
        mail.next_attempt_at = now + (_pause(attempt) or timedelta(0))
        mail.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at", "updated_at"])
    message = EmailMessage(mail.subject, mail.body, None, [mail.to], headers=mail.headers or None)
    if mail.reply_to:
        message.reply_to = [mail.reply_to]
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        _failed(mail, attempt, exc)
        return False
    OutgoingMail.objects.filter(pk=mail.pk).update(
        state=MailState.SENT, sent_at=now, next_attempt_at=None, last_error="", updated_at=timezone.now()
    )
    return True


def _failed(mail: OutgoingMail, attempt: int, exc: BaseException) -> None:
    """Record a failed attempt: the next one is queued after its pause, or the email is undelivered."""
    pause = _pause(attempt)
    error = _error_text(exc)
    with transaction.atomic():
        if pause is None:
            OutgoingMail.objects.filter(pk=mail.pk).update(
                state=MailState.UNDELIVERED, next_attempt_at=None, last_error=error, updated_at=timezone.now()
            )
            log.error("email %s (%s) undelivered after %d attempts: %s", mail.public_id, mail.kind, attempt, error)
            return
        when = timezone.now() + pause
        OutgoingMail.objects.filter(pk=mail.pk).update(
            next_attempt_at=when, last_error=error, updated_at=timezone.now()
        )
        deliver_mail.using(run_after=when).enqueue(mail.pk, attempt + 1)
    log.warning(
        "email %s (%s) not sent (attempt %d): %s; retried at %s", mail.public_id, mail.kind, attempt, error, when
    )


@task()
def deliver_mail(mail_id: int, attempt: int) -> bool:
    """One queued attempt of an email (a retry); nothing when the email was sent or tried meanwhile."""
    return mail_deliver(mail_id, attempt=attempt)


def mail_resend(*, actor: Actor, mail: OutgoingMail, ip_address: str | None = None) -> bool:
    """Send an undelivered or still-retrying email again now (in the audit trail); True if the server took it."""
    with transaction.atomic():
        locked = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
        if locked.state == MailState.SENT:
            raise MailResendError("already sent")
        audit_record(
            actor=actor,
            action="mail.resend",
            obj=locked,
            changes={"kind": locked.kind, "state": locked.state, "attempts": locked.attempts},
            ip_address=ip_address,
        )
        locked.state = MailState.QUEUED
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["state", "next_attempt_at", "updated_at"])
    return mail_deliver(locked.pk, attempt=locked.attempts + 1)


# --- reads ---------------------------------------------------------------------------------------------------


def mails_needing_attention() -> QuerySet[OutgoingMail]:
    """Undelivered emails and those still being retried after a failure, the newest failure first."""
    return OutgoingMail.objects.filter(
        Q(state=MailState.UNDELIVERED) | Q(state=MailState.QUEUED, attempts__gt=0)
    ).order_by("-last_attempt_at", "-id")


def mail_failing(now: datetime) -> bool:
    """Whether the newest delivery attempt of the last MAIL_HEALTH_HOURS failed."""
    since = now - timedelta(hours=settings.MAIL_HEALTH_HOURS)
    newest = (
        OutgoingMail.objects.filter(last_attempt_at__gte=since)
        .order_by("-last_attempt_at", "-id")
        .values("state", "last_error")
        .first()
    )
    if newest is None:
        return False
    return newest["state"] == MailState.UNDELIVERED or (
        newest["state"] == MailState.QUEUED and newest["last_error"] != ""
    )


def mail_health(now: datetime) -> dict[str, Any]:
    """The outbox for /readyz: counts only, no address."""
    counts = OutgoingMail.objects.filter(state__in=[MailState.QUEUED, MailState.UNDELIVERED]).aggregate(
        retrying=Count("id", filter=Q(state=MailState.QUEUED, attempts__gt=0)),
        undelivered=Count("id", filter=Q(state=MailState.UNDELIVERED)),
    )
    return {"status": "failing" if mail_failing(now) else "ok", **counts}


def mask_address(address: str) -> str:
    """An address shown to someone who needs to know that an email failed, not to whom: 'wa***@example.id'."""
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}" if domain else "***"


# --- the periodic upkeep -------------------------------------------------------------------------------------


def mail_upkeep(now: datetime) -> dict[str, int]:
    """Try the emails whose attempt is overdue (their task was lost) and forget what the outbox need not keep:
    sent emails after MAIL_SENT_KEEP_DAYS, undelivered ones after MAIL_UNDELIVERED_KEEP_DAYS."""
    overdue = OutgoingMail.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=now - OVERDUE_AFTER)
    retried = 0
    for pk, attempts in overdue.order_by("next_attempt_at").values_list("pk", "attempts")[:OVERDUE_PER_RUN]:
        mail_deliver(pk, attempt=attempts + 1)
        retried += 1
    sent_before = now - timedelta(days=settings.MAIL_SENT_KEEP_DAYS)
    undelivered_before = now - timedelta(days=settings.MAIL_UNDELIVERED_KEEP_DAYS)
    pruned, _ = OutgoingMail.objects.filter(
        Q(state=MailState.SENT, sent_at__lt=sent_before)
        | Q(state=MailState.UNDELIVERED, last_attempt_at__lt=undelivered_before)
    ).delete()
    return {"mail_overdue_retried": retried, "mail_pruned": pruned}
