"""The OPD operator's actions on a report dispatched to their OPD: accept, answer, attach, finish, return;
and internal notes, which the coordinator may write too."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.access import StaffScope

from ..models import EventKind, Report, ReportEvent
from . import _steps as step
from ._steps import ActionError

PDF_MAGIC = b"%PDF-"


@transaction.atomic
def report_accept(
    *, report: Report, actor: Any, version: int | None, note: str = "", scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """The OPD starts working on it."""
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("accept", locked, scope)
    previous = step.move(locked, "accept")
    step.save(locked, "status")
    event = step.event(
        locked, actor, EventKind.STATUS, note,
        from_status=previous, to_status=locked.status, code="accepted",
    )  # fmt: skip
    step.audit(actor, "accept", locked, ip, status=[previous, locked.status])
    step.notify_reporter(locked, event, text=note)
    return locked


@transaction.atomic
def report_add_note(
    *, report: Report, actor: Any, version: int | None, text: str, public: bool, scope: StaffScope | None = None,
    ip: str | None = None,
) -> ReportEvent:  # fmt: skip
    """An internal note (staff only) or a public response (on the report's page, emailed to the reporter)."""
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("respond" if public else "note", locked, scope)
    if not text.strip():
        raise ActionError(_("Write the text first."))
    step.save(locked)
    event = step.event(locked, actor, EventKind.RESPONSE if public else EventKind.NOTE, text, is_public=public)
    step.audit(actor, "respond" if public else "note", locked, ip, event=event.pk)
    if public:
        step.notify_reporter(locked, event, text=text)
    return event


@transaction.atomic
def report_finish(
    *, report: Report, actor: Any, version: int | None, answer: str, scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """Done: the final public answer is required; the reporter can then rate or reopen it."""
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("finish", locked, scope)
    if not answer.strip():
        raise ActionError(_("Write the final answer for the reporter: what was done."))
    now = timezone.now()
    previous = step.move(locked, "finish")
    locked.finished_at = now
    step.save(locked, "status", "finished_at")
    event = step.event(locked, actor, EventKind.STATUS, answer, from_status=previous, to_status=locked.status, at=now)
    step.audit(actor, "finish", locked, ip, status=[previous, locked.status])
    step.notify_reporter(locked, event, text=answer)
    return locked


@transaction.atomic
def report_return(
    *, report: Report, actor: Any, version: int | None, reason: str, scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """Not ours: back to the coordinator with the reason, to be dispatched again."""
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("return", locked, scope)
    if not reason.strip():
        raise ActionError(_("Say why this report is not for your OPD."))
    previous = step.move(locked, "return")
    unit = locked.lead_unit
    locked.lead_unit, locked.due_at, locked.dispatched_at = None, None, None
    step.save(locked, "status", "lead_unit", "due_at", "dispatched_at")
    locked.supporting_units.clear()
    step.event(
        locked, actor, EventKind.STATUS,
        reason, from_status=previous, to_status=locked.status, is_public=False,
        code="returned", params={"unit": unit.name if unit else "OPD"},
    )  # fmt: skip
    step.audit(actor, "return", locked, ip, status=[previous, locked.status], unit=unit.slug if unit else None)
    return locked


@transaction.atomic
def report_attach(
    *, report: Report, actor: Any, version: int | None, upload: Any, is_public: bool, scope: StaffScope | None = None,
    ip: str | None = None,
) -> Any:  # fmt: skip
    """A photo (cleaned like the citizen's) or a PDF of the work, checked by content, not by name."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from ..images import PhotoError, process_photo
    from ..models import ReportAttachment

    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("attach", locked, scope)
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
    # Named by its public id: the tracking code of a rahasia report is a secret, and file names travel.
    public_id = uuid4()
    name = default_storage.save(f"lampiran/{timezone.now():%Y/%m}/{public_id.hex}.{suffix}", ContentFile(content))
    try:
        attachment = ReportAttachment.objects.create(
            public_id=public_id, report=locked, file=name, original_name=(upload.name or suffix)[:120], content_type=content_type,
            size=len(content), is_public=is_public, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        step.save(locked)
        step.event(locked, actor, EventKind.NOTE, is_public=is_public, code="attached",
                   params={"name": attachment.original_name})  # fmt: skip
        step.audit(actor, "attach", locked, ip, file=attachment.original_name, public=is_public)
    except BaseException:
        default_storage.delete(name)
        raise
    return attachment
