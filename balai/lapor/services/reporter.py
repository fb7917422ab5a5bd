"""The reporter's actions, with the private token from their email or confirmation page (or by email reply):
answer a question, rate, reopen, answer 'is it fixed?', write again, add photos, stop emails."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import uuid4

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.selectors import pemda_current, work_calendar
from balai.lib.text import clean_text

from .. import rules
from ..images import ProcessedPhoto
from ..models import WEIGHT_WORKING_DAYS, EventKind, FixedAnswer, Report, Weight
from . import _steps as step
from ._steps import REPORTER_LABEL, ActionError
from .submission import photo_file_name

REPORTER = {rules.Actor.REPORTER}


def report_by_token(code: str, token: str) -> Report | None:
    return (
        Report.objects.select_related("category", "kelurahan", "kecamatan", "lead_unit")
        .filter(code=code, reporter_token=token)
        .first()
    )


def _reporter_audit(action: str, report: Report, ip: str | None, **changes: object) -> None:
    step.audit(None, action, report, ip, actor_label=REPORTER_LABEL, **changes)


@transaction.atomic
def report_answer_clarification(*, report: Report, answer: str, ip: str | None = None, channel: str = "") -> Report:
    """The reporter answers the coordinator's question; the verification clock resumes where it stopped."""
    locked = step.lock(report, None)
    step.allow("answer_clarification", locked, actors=REPORTER)
    answer = clean_text(answer, multiline=True)  # as every submitted field, whatever the channel
    if not answer:
        raise ActionError(_("Write your answer first."))
    now = timezone.now()
    calendar = step.calendar()
    if locked.paused_at and locked.verify_due_at:
        left = max(calendar.working_days_between(locked.paused_at, locked.verify_due_at), 1)
        locked.verify_due_at = calendar.add_working_days(now, left)
    previous = step.move(locked, "answer_clarification")
    locked.paused_at = None
    step.save(locked, "status", "paused_at", "verify_due_at")
    step.event(locked, None, EventKind.REPORTER, answer, is_public=False, at=now, actor_label=REPORTER_LABEL)
    step.event(locked, None, EventKind.STATUS, from_status=previous, to_status=locked.status, at=now,
               actor_label=REPORTER_LABEL, code="clarified")  # fmt: skip
    _reporter_audit("clarify", locked, ip, **({"channel": channel} if channel else {}))
    return locked


@transaction.atomic
def report_reporter_message(*, report: Report, text: str, channel: str, ip: str | None = None) -> Report:
    """The reporter writes again (an email reply): on the timeline for staff; a pending question is answered by it."""
    locked = step.lock(report, None)
    if rules.refusal("answer_clarification", locked, actors=REPORTER) is None:
        return report_answer_clarification(report=locked, answer=text, ip=ip, channel=channel)
    step.allow("message", locked, actors=REPORTER)
    step.save(locked)
    step.event(
        locked, None, EventKind.REPORTER, clean_text(text, multiline=True), is_public=False, actor_label=REPORTER_LABEL
    )
    _reporter_audit("reporter_message", locked, ip, channel=channel)
    return locked


@transaction.atomic
def report_add_photos(*, report: Report, photos: Sequence[ProcessedPhoto], written: list[str]) -> tuple[Report, int]:
    """Add the reporter's further photos after the report's own, as many as still fit; returns how many were kept.

    `written` collects the stored file names, so that a caller whose transaction fails can remove them."""
    from django.conf import settings

    locked = step.lock(report, None)
    step.allow("add_photos", locked, actors=REPORTER)
    room = max(settings.PHOTO_MAX_COUNT - locked.photo_count, 0)
    kept = list(photos[:room])
    if not kept:
        return locked, 0
    now = timezone.now()
    last = locked.photos.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    for photo in kept:
        public_id = uuid4()
        name = default_storage.save(photo_file_name("laporan", public_id, now), ContentFile(photo.content))
        written.append(name)
        step.add_photo(locked, photo, name=name, public_id=public_id, position=position)
        position += 1
    locked.photo_count += len(kept)
    step.save(locked, "photo_count")
    _reporter_audit("add_photos", locked, None, photos=len(kept))
    return locked, len(kept)


@transaction.atomic
def report_rate(*, report: Report, rating: int, comment: str = "", ip: str | None = None) -> Report:
    locked = step.lock(report, None)
    step.allow("rate", locked, actors=REPORTER)
    if not 1 <= rating <= 5:
        raise ActionError(_("Choose from 1 to 5 stars."))
    locked.rating, locked.rating_comment, locked.rated_at = (
        rating,
        clean_text(comment, multiline=True)[:1000],
        timezone.now(),
    )
    step.save(locked, "rating", "rating_comment", "rated_at")
    step.event(locked, None, EventKind.RATING, is_public=True, actor_label=REPORTER_LABEL, code="rated",
               params={"n": rating})  # fmt: skip
    _reporter_audit("rate", locked, ip, rating=rating)
    return locked


def reopen_deadline(report: Report) -> datetime | None:
    pemda = pemda_current()
    if report.finished_at is None or pemda is None:
        return None
    return work_calendar(pemda).add_working_days(report.finished_at, pemda.reopen_window_days)


@transaction.atomic
def report_reopen(*, report: Report, reason: str, ip: str | None = None) -> Report:
    """Not solved: back to the same OPD with a fresh deadline, within the Pemda's window."""
    locked = step.lock(report, None)
    step.allow("reopen", locked, actors=REPORTER)
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ActionError(_("Tell the OPD what is still wrong."))
    deadline = reopen_deadline(locked)
    now = timezone.now()
    if deadline is None or now > deadline:
        raise ActionError(_("The time to reopen this report has passed. Please send a new report."))
    previous = step.move(locked, "reopen")
    locked.reopened_count += 1
    locked.finished_at = None
    locked.due_at = step.calendar().add_working_days(now, WEIGHT_WORKING_DAYS[Weight(locked.weight or Weight.NORMATIF)])
    step.save(locked, "status", "reopened_count", "finished_at", "due_at")
    step.event(locked, None, EventKind.REPORTER, reason, is_public=False, at=now, actor_label=REPORTER_LABEL)
    step.event(locked, None, EventKind.STATUS, from_status=previous, to_status=locked.status, at=now,
               actor_label=REPORTER_LABEL, code="reopened")  # fmt: skip
    _reporter_audit("reopen", locked, ip)
    from ..tasks import notify_unit_dispatch

    notify_unit_dispatch.enqueue(locked.code)
    return locked


@transaction.atomic
def report_answer_questionnaire(*, report: Report, fixed: str, ip: str | None = None) -> Report:
    locked = step.lock(report, None)
    step.allow("answer_questionnaire", locked, actors=REPORTER)
    if fixed not in FixedAnswer.values:
        raise ActionError(_("Answer yes or no."))
    locked.fixed_answer = fixed
    step.save(locked, "fixed_answer")
    step.event(locked, None, EventKind.REPORTER, is_public=True, actor_label=REPORTER_LABEL, code="questionnaire",
               params={"answer": fixed})  # fmt: skip
    _reporter_audit("questionnaire", locked, ip, fixed=fixed)
    return locked


@transaction.atomic
def report_unsubscribe(*, report: Report, ip: str | None = None) -> Report:
    locked = step.lock(report, None)
    step.allow("unsubscribe", locked, actors=REPORTER)
    if not locked.email_opt_out:
        locked.email_opt_out = True
        step.save(locked, "email_opt_out")
        _reporter_audit("unsubscribe", locked, ip)
    return locked
