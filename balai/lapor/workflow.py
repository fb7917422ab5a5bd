"""The back office: coordinators verify and dispatch, OPD operators follow up, the reporter closes the loop.

Every action is one transaction that locks the report, checks the actor's role, the report's state and
the version the actor saw (optimistic locking), records the timeline event and the audit trail, and
queues the emails. A refused action raises ActionError with a message for the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.models import Unit, UnitKind
from balai.core.selectors import pemda_current, work_calendar
from balai.core.services import audit_record
from balai.dasbor import summary

from .access import StaffScope, staff_scope
from .models import (
    TRANSITIONS,
    WEIGHT_WORKING_DAYS,
    ArchiveReason,
    Category,
    EventKind,
    FixedAnswer,
    Report,
    ReportEvent,
    Status,
    Weight,
)


class ActionError(Exception):
    """An action that cannot be done now; `message` says why, in the person's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleVersionError(ActionError):
    pass


# --- shared steps -------------------------------------------------------------------------------


def _label(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return "sistem"


def _lock(report: Report, version: int | None) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        raise StaleVersionError(
            _(
                "Someone else changed this report while you were working on it. Check the timeline below; "
                "what you typed is kept, send it again if it still applies."
            )
        )
    # What the command center's summary counts of it now; `_save` moves the counts to the new state.
    locked._summary_fact = summary.report_fact(locked)  # type: ignore[attr-defined]
    return locked


def _require_state(report: Report, allowed: Iterable[str], action: str) -> None:
    if report.status not in allowed:
        raise ActionError(
            _("This report is %(status)s now, so it cannot be %(action)s.")
            % {"status": Status(report.status).label, "action": action}
        )


def _move(report: Report, to_status: str) -> str:
    if to_status not in TRANSITIONS[report.status]:
        raise ActionError(
            _("A report that is %(status)s cannot become %(to)s.")
            % {"status": Status(report.status).label, "to": Status(to_status).label}
        )
    previous = report.status
    report.status = to_status
    return previous


def _save(report: Report, *fields: str) -> None:
    """Save a report obtained from `_lock`, and keep the command center's summary in step, in this transaction."""
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])
    report._summary_fact = summary.report_changed(report.__dict__["_summary_fact"], report)  # type: ignore[attr-defined]


def _event(
    report: Report,
    actor: Any,
    kind: str,
    note: str = "",
    *,
    from_status: str = "",
    to_status: str = "",
    is_public: bool = True,
    at: datetime | None = None,
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        created_at=at or timezone.now(),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor),
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note.strip(),
        is_public=is_public,
    )


def _audit(actor: Any, action: str, report: Report, ip: str | None, **changes: Any) -> None:
    audit_record(actor=actor, action=f"report.{action}", obj=report, changes=changes, ip_address=ip)


def _notify_reporter(report: Report, event: ReportEvent) -> None:
    from .tasks import send_report_update

    send_report_update.enqueue(report.code, event.pk)


def _scope(actor: Any, scope: StaffScope | None) -> StaffScope:
    return scope if scope is not None else staff_scope(actor)


def _require_coordinator(scope: StaffScope) -> None:
    if not scope.coordinator:
        raise ActionError(_("Only an admin koordinator can do this."))


def _require_handler(scope: StaffScope, report: Report) -> None:
    if not scope.handles(report):
        raise ActionError(_("Only an operator of the OPD handling this report can do this."))


def _calendar() -> Any:
    return work_calendar(pemda_current())


# --- the coordinator ----------------------------------------------------------------------------


@transaction.atomic
def report_verify(
    *,
    report: Report,
    actor: Any,
    version: int | None,
    kind: str,
    category: Category,
    weight: str,
    public_title: str,
    public_description: str = "",
    is_anonymous: bool,
    is_confidential: bool,
    note: str = "",
    lead_unit: Unit | None = None,
    supporting_units: Sequence[Unit] = (),
    instruction: str = "",
    scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:
    """Classify and clean up a received report; with a lead OPD it is dispatched in the same step."""
    scope = _scope(actor, scope)
    _require_coordinator(scope)
    locked = _lock(report, version)
    _require_state(locked, [Status.DITERIMA, Status.DITUNDA], _("verified"))
    if weight not in WEIGHT_WORKING_DAYS:
        raise ActionError(_("Choose a weight."))
    now = timezone.now()
    previous = _move(locked, Status.DIVERIFIKASI)
    changes = {
        "kind": [locked.kind, kind],
        "category": [locked.category_id, category.pk],
        "weight": [locked.weight, weight],
        "anonymous": [locked.is_anonymous, is_anonymous],
        "confidential": [locked.is_confidential, is_confidential],
    }
    locked.kind, locked.category, locked.weight = kind, category, weight
    locked.public_title, locked.public_description = public_title.strip(), public_description.strip()
    locked.is_anonymous, locked.is_confidential = is_anonymous, is_confidential
    locked.verified_at, locked.paused_at = now, None
    _save(
        locked,
        "status", "kind", "category", "weight", "public_title", "public_description",
        "is_anonymous", "is_confidential", "verified_at", "paused_at",
    )  # fmt: skip
    event = _event(locked, actor, EventKind.STATUS, note, from_status=previous, to_status=Status.DIVERIFIKASI, at=now)
    _audit(actor, "verify", locked, ip, status=[previous, Status.DIVERIFIKASI], **changes)
    if lead_unit is None:
        _notify_reporter(locked, event)
        return locked
    return report_dispatch(
        report=locked,
        actor=actor,
        version=locked.version,
        lead_unit=lead_unit,
        supporting_units=supporting_units,
        instruction=instruction,
        scope=scope,
        ip=ip,
    )


@transaction.atomic
def report_dispatch(
    *,
    report: Report,
    actor: Any,
    version: int | None,
    lead_unit: Unit,
    supporting_units: Sequence[Unit] = (),
    instruction: str = "",
    scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:
    """Send a verified report to the OPD that must handle it; its follow-up deadline starts now."""
    scope = _scope(actor, scope)
    _require_coordinator(scope)
    locked = _lock(report, version)
    _require_state(locked, [Status.DIVERIFIKASI], _("dispatched"))
    if lead_unit.kind != UnitKind.OPD or not lead_unit.is_active:
        raise ActionError(_("Choose an active OPD to handle the report."))
    now = timezone.now()
    previous = _move(locked, Status.DIDISPOSISIKAN)
    locked.lead_unit = lead_unit
    locked.dispatched_at = now
    locked.due_at = _calendar().add_working_days(now, WEIGHT_WORKING_DAYS[Weight(locked.weight or Weight.NORMATIF)])
    _save(locked, "status", "lead_unit", "dispatched_at", "due_at")
    support = [u for u in supporting_units if u.pk != lead_unit.pk]
    locked.supporting_units.set(support)
    event = _event(
        locked,
        actor,
        EventKind.STATUS,
        _("Sent to %(unit)s for follow-up.") % {"unit": lead_unit.name},
        from_status=previous,
        to_status=Status.DIDISPOSISIKAN,
        at=now,
    )
    if instruction.strip():
        _event(locked, actor, EventKind.NOTE, instruction, is_public=False, at=now)
    _audit(
        actor, "dispatch", locked, ip,
        status=[previous, Status.DIDISPOSISIKAN], lead_unit=lead_unit.slug, supporting=[u.slug for u in support],
    )  # fmt: skip
    from .tasks import notify_unit_dispatch

    notify_unit_dispatch.enqueue(locked.code)
    _notify_reporter(locked, event)
    return locked


@transaction.atomic
def report_request_clarification(
    *,
    report: Report,
    actor: Any,
    version: int | None,
    question: str,
    scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:
    """Ask the reporter for more; the verification clock pauses until they answer."""
    scope = _scope(actor, scope)
    _require_coordinator(scope)
    if not question.strip():
        raise ActionError(_("Write the question for the reporter."))
    locked = _lock(report, version)
    _require_state(locked, [Status.DITERIMA, Status.DIVERIFIKASI], _("put on hold"))
    now = timezone.now()
    previous = _move(locked, Status.DITUNDA)
    locked.paused_at = now
    _save(locked, "status", "paused_at")
    event = _event(locked, actor, EventKind.STATUS, question, from_status=previous, to_status=Status.DITUNDA, at=now)
    _audit(actor, "request_clarification", locked, ip, status=[previous, Status.DITUNDA])
    _notify_reporter(locked, event)
    return locked


@transaction.atomic
def report_mark_not_authority(
    *, report: Report, actor: Any, version: int | None, referral: str, note: str = "",
    scope: StaffScope | None = None, ip: str | None = None,
) -> Report:  # fmt: skip
    """Not the Pemda's business: the reporter is told publicly where to go instead."""
    scope = _scope(actor, scope)
    _require_coordinator(scope)
    if not referral.strip():
        raise ActionError(
            _("Say where the reporter should go instead (for example a ministry, the police or SP4N-LAPOR!).")
        )
    locked = _lock(report, version)
    previous = _move(locked, Status.BUKAN_WEWENANG)
    locked.referral = referral.strip()
    locked.paused_at = None
    _save(locked, "status", "referral", "paused_at")
    text = _("Not the authority of the Pemda. Please turn to: %(where)s") % {"where": locked.referral}
    if note.strip():
        text = f"{text}\n{note.strip()}"
    event = _event(locked, actor, EventKind.STATUS, text, from_status=previous, to_status=Status.BUKAN_WEWENANG)
    _audit(actor, "not_authority", locked, ip, status=[previous, Status.BUKAN_WEWENANG], referral=locked.referral)
    _notify_reporter(locked, event)
    return locked


@transaction.atomic
def report_archive(
    *, report: Report, actor: Any, version: int | None, reason: str, note: str = "",
    merged_into: Report | None = None, scope: StaffScope | None = None, ip: str | None = None,
) -> Report:  # fmt: skip
    """Close a report that will not be handled (spam, too general, duplicate…), with a reason."""
    if actor is not None:  # None: the periodic checks closing an unanswered clarification
        _require_coordinator(_scope(actor, scope))
    if reason not in ArchiveReason.values:
        raise ActionError(_("Choose a reason for archiving."))
    locked = _lock(report, version)
    previous = _move(locked, Status.DIARSIPKAN)
    locked.archive_reason = reason
    locked.merged_into = merged_into
    locked.paused_at = None
    _save(locked, "status", "archive_reason", "merged_into", "paused_at")
    text = str(ArchiveReason(reason).label)
    if merged_into is not None:
        text = _("Merged into report %(code)s, which is followed instead.") % {"code": merged_into.code}
    if note.strip():
        text = f"{text}\n{note.strip()}"
    # Spam stays out of the reporter's inbox; every other reason is explained to them.
    event = _event(locked, actor, EventKind.STATUS, text, from_status=previous, to_status=Status.DIARSIPKAN)
    _audit(actor, "archive", locked, ip, status=[previous, Status.DIARSIPKAN], reason=reason,
           merged_into=merged_into.code if merged_into else None)  # fmt: skip
    if reason != ArchiveReason.SPAM:
        _notify_reporter(locked, event)
    return locked


@transaction.atomic
def report_merge(
    *, duplicate: Report, target: Report, actor: Any, version: int | None, scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """Fold a duplicate into the report that is followed; its reporter is kept informed through the target."""
    if duplicate.pk == target.pk:
        raise ActionError(_("A report cannot be merged into itself."))
    if target.status in (Status.DIARSIPKAN, Status.BUKAN_WEWENANG) or target.merged_into_id:
        raise ActionError(_("Merge into a report that is still being followed."))
    report_archive(
        report=duplicate, actor=actor, version=version, reason=ArchiveReason.DUPLICATE, merged_into=target,
        scope=scope, ip=ip,
    )  # fmt: skip
    _event(target, actor, EventKind.NOTE, _("Report %(code)s was merged into this one.") % {"code": duplicate.code},
           is_public=False)  # fmt: skip
    return target


# --- the OPD operator ---------------------------------------------------------------------------


@transaction.atomic
def report_accept(
    *, report: Report, actor: Any, version: int | None, note: str = "", scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """The OPD starts working on it."""
    scope = _scope(actor, scope)
    locked = _lock(report, version)
    _require_handler(scope, locked)
    _require_state(locked, [Status.DIDISPOSISIKAN], _("accepted"))
    previous = _move(locked, Status.DIPROSES)
    _save(locked, "status")
    event = _event(
        locked, actor, EventKind.STATUS, note or _("The OPD is working on it."),
        from_status=previous, to_status=Status.DIPROSES,
    )  # fmt: skip
    _audit(actor, "accept", locked, ip, status=[previous, Status.DIPROSES])
    _notify_reporter(locked, event)
    return locked


@transaction.atomic
def report_add_note(
    *, report: Report, actor: Any, version: int | None, text: str, public: bool, scope: StaffScope | None = None,
    ip: str | None = None,
) -> ReportEvent:  # fmt: skip
    """An internal note (staff only) or a public response (on the report's page, emailed to the reporter)."""
    scope = _scope(actor, scope)
    if not text.strip():
        raise ActionError(_("Write the text first."))
    locked = _lock(report, version)
    if public:
        _require_handler(scope, locked)
        _require_state(locked, [Status.DIDISPOSISIKAN, Status.DIPROSES], _("answered"))
    elif not (scope.coordinator or scope.operates(locked)):
        raise ActionError(_("Only the coordinator and the handling OPD can add notes."))
    _save(locked)
    event = _event(locked, actor, EventKind.RESPONSE if public else EventKind.NOTE, text, is_public=public)
    _audit(actor, "respond" if public else "note", locked, ip, event=event.pk)
    if public:
        _notify_reporter(locked, event)
    return event


@transaction.atomic
def report_finish(
    *, report: Report, actor: Any, version: int | None, answer: str, scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """Done: the final public answer is required; the reporter can then rate or reopen it."""
    scope = _scope(actor, scope)
    if not answer.strip():
        raise ActionError(_("Write the final answer for the reporter: what was done."))
    locked = _lock(report, version)
    _require_handler(scope, locked)
    _require_state(locked, [Status.DIPROSES], _("finished"))
    now = timezone.now()
    previous = _move(locked, Status.SELESAI)
    locked.finished_at = now
    _save(locked, "status", "finished_at")
    event = _event(locked, actor, EventKind.STATUS, answer, from_status=previous, to_status=Status.SELESAI, at=now)
    _audit(actor, "finish", locked, ip, status=[previous, Status.SELESAI])
    _notify_reporter(locked, event)
    return locked


@transaction.atomic
def report_return(
    *, report: Report, actor: Any, version: int | None, reason: str, scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """Not ours: back to the coordinator with the reason, to be dispatched again."""
    scope = _scope(actor, scope)
    if not reason.strip():
        raise ActionError(_("Say why this report is not for your OPD."))
    locked = _lock(report, version)
    _require_handler(scope, locked)
    _require_state(locked, [Status.DIDISPOSISIKAN, Status.DIPROSES], _("returned"))
    previous = _move(locked, Status.DIVERIFIKASI)
    unit = locked.lead_unit
    locked.lead_unit, locked.due_at, locked.dispatched_at = None, None, None
    _save(locked, "status", "lead_unit", "due_at", "dispatched_at")
    locked.supporting_units.clear()
    _event(
        locked, actor, EventKind.STATUS,
        _("Returned by %(unit)s: %(reason)s") % {"unit": unit.name if unit else "OPD", "reason": reason.strip()},
        from_status=previous, to_status=Status.DIVERIFIKASI, is_public=False,
    )  # fmt: skip
    _audit(actor, "return", locked, ip, status=[previous, Status.DIVERIFIKASI], unit=unit.slug if unit else None)
    return locked


# --- the reporter (with the private token from their email or confirmation page) ----------------


def report_by_token(code: str, token: str) -> Report | None:
    return (
        Report.objects.select_related("category", "kelurahan", "kecamatan", "lead_unit")
        .filter(code=code, reporter_token=token)
        .first()
    )


@transaction.atomic
def report_answer_clarification(*, report: Report, answer: str, ip: str | None = None) -> Report:
    """The reporter answers the coordinator's question; the verification clock resumes where it stopped."""
    if not answer.strip():
        raise ActionError(_("Write your answer first."))
    locked = _lock(report, None)
    _require_state(locked, [Status.DITUNDA], _("answered"))
    now = timezone.now()
    calendar = _calendar()
    if locked.paused_at and locked.verify_due_at:
        left = max(calendar.working_days_between(locked.paused_at, locked.verify_due_at), 1)
        locked.verify_due_at = calendar.add_working_days(now, left)
    previous = _move(locked, Status.DITERIMA)
    locked.paused_at = None
    _save(locked, "status", "paused_at", "verify_due_at")
    _event(locked, None, EventKind.REPORTER, answer, is_public=False, at=now)
    _event(locked, None, EventKind.STATUS, _("The reporter answered."), from_status=previous, to_status=Status.DITERIMA,
           at=now)  # fmt: skip
    audit_record(actor=None, action="report.clarify", obj=locked, ip_address=ip, actor_label="pelapor")
    return locked


@transaction.atomic
def report_rate(*, report: Report, rating: int, comment: str = "", ip: str | None = None) -> Report:
    locked = _lock(report, None)
    _require_state(locked, [Status.SELESAI], _("rated"))
    if not 1 <= rating <= 5:
        raise ActionError(_("Choose from 1 to 5 stars."))
    locked.rating, locked.rating_comment, locked.rated_at = rating, comment.strip()[:1000], timezone.now()
    _save(locked, "rating", "rating_comment", "rated_at")
    _event(locked, None, EventKind.RATING, _("Rated %(n)d of 5.") % {"n": rating}, is_public=True)
    audit_record(actor=None, action="report.rate", obj=locked, changes={"rating": rating}, ip_address=ip,
                 actor_label="pelapor")  # fmt: skip
    return locked


def reopen_deadline(report: Report) -> datetime | None:
    pemda = pemda_current()
    if report.finished_at is None or pemda is None:
        return None
    return work_calendar(pemda).add_working_days(report.finished_at, pemda.reopen_window_days)


@transaction.atomic
def report_reopen(*, report: Report, reason: str, ip: str | None = None) -> Report:
    """Not solved: back to the same OPD with a fresh deadline, within the Pemda's window."""
    if not reason.strip():
        raise ActionError(_("Tell the OPD what is still wrong."))
    locked = _lock(report, None)
    _require_state(locked, [Status.SELESAI], _("reopened"))
    deadline = reopen_deadline(locked)
    now = timezone.now()
    if deadline is None or now > deadline:
        raise ActionError(_("The time to reopen this report has passed. Please send a new report."))
    previous = _move(locked, Status.DIPROSES)
    locked.reopened_count += 1
    locked.finished_at = None
    locked.due_at = _calendar().add_working_days(now, WEIGHT_WORKING_DAYS[Weight(locked.weight or Weight.NORMATIF)])
    _save(locked, "status", "reopened_count", "finished_at", "due_at")
    _event(locked, None, EventKind.REPORTER, reason, is_public=False, at=now)
    _event(locked, None, EventKind.STATUS, _("Reopened by the reporter: the problem is not solved yet."),
           from_status=previous, to_status=Status.DIPROSES, at=now)  # fmt: skip
    audit_record(actor=None, action="report.reopen", obj=locked, ip_address=ip, actor_label="pelapor")
    from .tasks import notify_unit_dispatch

    notify_unit_dispatch.enqueue(locked.code)
    return locked


@transaction.atomic
def report_answer_questionnaire(*, report: Report, fixed: str, ip: str | None = None) -> Report:
    if fixed not in FixedAnswer.values:
        raise ActionError(_("Answer yes or no."))
    locked = _lock(report, None)
    _require_state(locked, [Status.SELESAI], _("answered"))
    locked.fixed_answer = fixed
    _save(locked, "fixed_answer")
    _event(locked, None, EventKind.REPORTER, str(FixedAnswer(fixed).label), is_public=True)
    audit_record(actor=None, action="report.questionnaire", obj=locked, changes={"fixed": fixed}, ip_address=ip,
                 actor_label="pelapor")  # fmt: skip
    return locked


@transaction.atomic
def report_unsubscribe(*, report: Report, ip: str | None = None) -> Report:
    locked = _lock(report, None)
    if not locked.email_opt_out:
        locked.email_opt_out = True
        _save(locked, "email_opt_out")
        audit_record(actor=None, action="report.unsubscribe", obj=locked, ip_address=ip, actor_label="pelapor")
    return locked


PDF_MAGIC = b"%PDF-"


@transaction.atomic
def report_attach(
    *, report: Report, actor: Any, version: int | None, upload: Any, is_public: bool, scope: StaffScope | None = None,
    ip: str | None = None,
) -> Any:  # fmt: skip
    """A photo (cleaned like the citizen's) or a PDF of the work, checked by content, not by name."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from .images import PhotoError, process_photo
    from .models import ReportAttachment

    scope = _scope(actor, scope)
    locked = _lock(report, version)
    _require_handler(scope, locked)
    _require_state(locked, [Status.DIDISPOSISIKAN, Status.DIPROSES, Status.SELESAI], _("given attachments"))
    size = upload.size or 0
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        if size > settings.PHOTO_MAX_BYTES:
            raise ActionError(_("The file is too large; at most 10 MB."))
        content, content_type, suffix = upload.read(), "application/pdf", "pdf"
    else:
        try:
            photo = process_photo(
                upload, size=size, max_bytes=settings.PHOTO_MAX_BYTES, max_side=settings.PHOTO_MAX_SIDE
            )
        except PhotoError as exc:
            raise ActionError(str(exc)) from exc
        content, content_type, suffix = photo.content, "image/jpeg", "jpg"
    name = default_storage.save(f"lampiran/{timezone.now():%Y/%m}/{locked.code}.{suffix}", ContentFile(content))
    try:
        attachment = ReportAttachment.objects.create(
            report=locked, file=name, original_name=(upload.name or suffix)[:120], content_type=content_type,
            size=len(content), is_public=is_public, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        _save(locked)
        _event(locked, actor, EventKind.NOTE, _("Attached %(name)s.") % {"name": attachment.original_name},
               is_public=is_public)  # fmt: skip
        _audit(actor, "attach", locked, ip, file=attachment.original_name, public=is_public)
    except BaseException:
        default_storage.delete(name)
        raise
    return attachment
