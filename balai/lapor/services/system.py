"""What the worker and the intake channels record on a report by themselves: escalations, the questionnaire's
sending, and notes about what a channel could not keep."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import rules
from ..models import EventKind, NotificationLog, Report
from . import _steps as step

SYSTEM = {rules.Actor.SYSTEM}


@transaction.atomic
def report_escalate(*, report: Report, kind: str, key: str) -> bool:
    """Record an escalation once per (kind, key): True the first time, when the caller then queues the emails.

    The claim in NotificationLog and the timeline event are one transaction: two workers running the same
    check never escalate twice."""
    locked = step.lock(report, None)
    step.allow("escalate", locked, actors=SYSTEM)
    if not notification_claim(kind=kind, key=key, report=locked):
        return False
    step.save(locked)
    step.event(locked, None, EventKind.ESCALATION, is_public=False, code=f"escalation.{kind}")
    step.audit(None, "escalate", locked, None, actor_label=step.SYSTEM_LABEL, kind=kind)
    return True


def notification_claim(*, kind: str, key: str, report: Report | None = None) -> bool:
    """True the first time (kind, key) is seen; the caller then sends. Runs in the caller's transaction."""
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            NotificationLog.objects.create(kind=kind, key=key[:80], report=report)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def report_questionnaire_sent(*, report: Report, at: datetime | None = None) -> bool:
    """Mark that the 'is it fixed?' email goes out now; False if it was claimed already (by another worker)."""
    locked = step.lock(report, None)
    step.allow("questionnaire_sent", locked, actors=SYSTEM)
    if locked.questionnaire_sent_at is not None or not notification_claim(
        kind="questionnaire", key=locked.code, report=locked
    ):
        return False
    locked.questionnaire_sent_at = at or timezone.now()
    step.save(locked, "questionnaire_sent_at")
    step.audit(None, "questionnaire_sent", locked, None, actor_label=step.SYSTEM_LABEL)
    return True


@transaction.atomic
def report_add_system_note(*, report: Report, text: str) -> Report:
    """An internal note that a channel writes by itself (what an email's attachments or place lacked)."""
    locked = step.lock(report, None)
    step.allow("system_note", locked, actors=SYSTEM)
    step.save(locked)
    step.event(locked, None, EventKind.NOTE, text, is_public=False)
    return locked
