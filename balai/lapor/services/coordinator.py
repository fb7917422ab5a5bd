"""The coordinator's actions (admin koordinator, at Diskominfo): verify, dispatch, ask, refer, archive, merge."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.access import StaffScope
from balai.core.models import Unit, UnitKind, Wilayah, WilayahLevel
from balai.core.selectors import pemda_current

from .. import rules
from ..models import WEIGHT_WORKING_DAYS, ArchiveReason, Category, EventKind, Report, ReportPhoto, Status, Weight
from . import _steps as step
from ._steps import ActionError


def pemda_wilayah_code() -> str:
    pemda = pemda_current()
    return pemda.wilayah_id if pemda else ""


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
    hidden_photos: Sequence[ReportPhoto] = (),
    is_anonymous: bool,
    is_confidential: bool,
    note: str = "",
    lead_unit: Unit | None = None,
    supporting_units: Sequence[Unit] = (),
    instruction: str = "",
    kelurahan: Wilayah | None = None,
    scope: StaffScope | None = None,
    ip: str | None = None,
) -> Report:
    """Classify and clean up a received report, and publish it; with a lead OPD it is dispatched in the same step.

    The public sees `public_title` and `public_description` (empty: the reporter's text) and the photos not in
    `hidden_photos`; the reporter's own title, text and photos stay as they were, for staff and the holder of the
    tracking code. Verifying is what publishes a report when the Pemda publishes after verification; one published
    on arrival stays published.

    `kelurahan` sets or corrects the place: needed when the report came with a map point in no known boundary.
    """
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("verify", locked, scope)
    if weight not in WEIGHT_WORKING_DAYS:
        raise ActionError(_("Choose a weight."))
    if kelurahan is not None and not (
        kelurahan.level == WilayahLevel.DESA_KELURAHAN and kelurahan.code.startswith(f"{pemda_wilayah_code()}.")
    ):
        raise ActionError(_("Choose a kelurahan or desa of this Pemda."))
    missing_place = rules.place_refusal("verify", locked, setting_place=kelurahan is not None)
    if missing_place:
        raise ActionError(missing_place)
    if not public_title.strip():
        raise ActionError(_("Write the public title."))
    hidden_ids = {photo.pk for photo in hidden_photos}
    photos = list(locked.photos.all())
    if not hidden_ids <= {photo.pk for photo in photos}:
        raise ActionError(_("Only this report's photos can be hidden."))
    now = timezone.now()
    previous = step.move(locked, "verify")
    changes = {
        "kind": [locked.kind, kind],
        "category": [locked.category_id, category.pk],
        "weight": [locked.weight, weight],
        "anonymous": [locked.is_anonymous, is_anonymous],
        "confidential": [locked.is_confidential, is_confidential],
        # What the public sees instead of the reporter's words (kept in `title` and `description`).
        "public_title": [locked.public_title, public_title.strip()],
        "public_description": [locked.public_description, public_description.strip()],
        "hidden_photos": [
            sorted(str(p.public_id) for p in photos if p.is_hidden),
            sorted(str(p.public_id) for p in photos if p.pk in hidden_ids),
        ],
    }
    if locked.published_at is None:
        changes["published"] = [False, True]
        locked.published_at = now
    place_fields: tuple[str, ...] = ()
    if kelurahan is not None and kelurahan.code != locked.kelurahan_id:
        changes["kelurahan"] = [locked.kelurahan_id, kelurahan.code]
        locked.kelurahan, locked.kecamatan_id = kelurahan, kelurahan.parent_id
        place_fields = ("kelurahan", "kecamatan")
    locked.kind, locked.category, locked.weight = kind, category, weight
    locked.public_title, locked.public_description = public_title.strip(), public_description.strip()
    locked.is_anonymous, locked.is_confidential = is_anonymous, is_confidential
    locked.verified_at, locked.paused_at = now, None
    locked.hidden_photo_count = len(hidden_ids)
    step.save(
        locked,
        "status", "kind", "category", "weight", "public_title", "public_description",
        "is_anonymous", "is_confidential", "verified_at", "paused_at", "published_at", "hidden_photo_count", *place_fields,
    )  # fmt: skip
    for photo in photos:
        if photo.is_hidden != (photo.pk in hidden_ids):
            photo.is_hidden = photo.pk in hidden_ids
            photo.save(update_fields=["is_hidden", "updated_at"])
    event = step.event(locked, actor, EventKind.STATUS, note, from_status=previous, to_status=locked.status, at=now)
    step.audit(actor, "verify", locked, ip, status=[previous, locked.status], **changes)
    if lead_unit is None:
        step.notify_reporter(locked, event, text=note)
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
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("dispatch", locked, scope)
    if lead_unit.kind != UnitKind.OPD or not lead_unit.is_active:
        raise ActionError(_("Choose an active OPD to handle the report."))
    now = timezone.now()
    previous = step.move(locked, "dispatch")
    locked.lead_unit = lead_unit
    locked.dispatched_at = now
    locked.due_at = step.calendar().add_working_days(now, WEIGHT_WORKING_DAYS[Weight(locked.weight or Weight.NORMATIF)])
    step.save(locked, "status", "lead_unit", "dispatched_at", "due_at")
    support = [u for u in supporting_units if u.pk != lead_unit.pk]
    locked.supporting_units.set(support)
    event = step.event(
        locked,
        actor,
        EventKind.STATUS,
        code="dispatched",
        params={"unit": lead_unit.name},
        from_status=previous,
        to_status=locked.status,
        at=now,
    )
    if instruction.strip():
        step.event(locked, actor, EventKind.NOTE, instruction, is_public=False, at=now)
    step.audit(
        actor, "dispatch", locked, ip,
        status=[previous, locked.status], lead_unit=lead_unit.slug, supporting=[u.slug for u in support],
    )  # fmt: skip
    from ..tasks import notify_unit_dispatch

    notify_unit_dispatch.enqueue(locked.code)
    step.notify_reporter(locked, event)
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
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("clarify", locked, scope)
    if not question.strip():
        raise ActionError(_("Write the question for the reporter."))
    now = timezone.now()
    previous = step.move(locked, "clarify")
    locked.paused_at = now
    step.save(locked, "status", "paused_at")
    event = step.event(locked, actor, EventKind.STATUS, question, from_status=previous, to_status=locked.status, at=now)
    step.audit(actor, "request_clarification", locked, ip, status=[previous, locked.status])
    step.notify_reporter(locked, event, text=question)
    return locked


@transaction.atomic
def report_mark_not_authority(
    *, report: Report, actor: Any, version: int | None, referral: str, note: str = "",
    scope: StaffScope | None = None, ip: str | None = None,
) -> Report:  # fmt: skip
    """Not the Pemda's business: the reporter is told publicly where to go instead."""
    scope = step.scope_of(actor, scope)
    locked = step.lock(report, version)
    step.allow_staff("not_authority", locked, scope)
    if not referral.strip():
        raise ActionError(
            _("Say where the reporter should go instead (for example a ministry, the police or SP4N-LAPOR!).")
        )
    previous = step.move(locked, "not_authority")
    locked.referral = referral.strip()
    locked.paused_at = None
    step.save(locked, "status", "referral", "paused_at")
    event = step.event(
        locked, actor, EventKind.STATUS, note, from_status=previous, to_status=locked.status,
        code="not_authority", params={"where": locked.referral},
    )  # fmt: skip
    step.audit(actor, "not_authority", locked, ip, status=[previous, locked.status], referral=locked.referral)
    step.notify_reporter(locked, event, text=note)
    return locked


@transaction.atomic
def report_archive(
    *, report: Report, actor: Any, version: int | None, reason: str, note: str = "",
    merged_into: Report | None = None, scope: StaffScope | None = None, ip: str | None = None,
    action: str = "archive", no_answer_days: int | None = None,
) -> Report:  # fmt: skip
    """Close a report that will not be handled (spam, too general, duplicate…), with a reason.

    `actor` None is the worker (closing an unanswered clarification)."""
    locked = step.lock(report, version)
    if actor is None:
        step.allow(action, locked, actors={rules.Actor.SYSTEM})
    else:
        step.allow_staff(action, locked, step.scope_of(actor, scope))
    if reason not in ArchiveReason.values:
        raise ActionError(_("Choose a reason for archiving."))
    previous = step.move(locked, action)
    locked.archive_reason = reason
    locked.merged_into = merged_into
    locked.paused_at = None
    step.save(locked, "status", "archive_reason", "merged_into", "paused_at")
    code, params = "archived", {"reason": reason, **({"days": no_answer_days} if no_answer_days else {})}
    if merged_into is not None:
        code, params = "merged_into", {"code": merged_into.code}
    # Spam stays out of the reporter's inbox; every other reason is explained to them.
    event = step.event(locked, actor, EventKind.STATUS, note, from_status=previous, to_status=Status.DIARSIPKAN,
                       code=code, params=params)  # fmt: skip
    step.audit(actor, "archive", locked, ip, status=[previous, Status.DIARSIPKAN], reason=reason,
               merged_into=merged_into.code if merged_into else None)  # fmt: skip
    if reason != ArchiveReason.SPAM:
        step.notify_reporter(locked, event, text=note)
    return locked


@transaction.atomic
def report_move_to_ppid(
    *, report: Report, actor: Any, version: int | None, request_code: str, register_number: str,
    ip: str | None = None,
) -> Report:  # fmt: skip
    """Close an information request (kind informasi) that the PPID module took over, telling the reporter where
    it continues; called by the PPID's service inside its own transaction."""
    from ..models import ReportKind

    locked = step.lock(report, version)
    step.allow_staff("to_ppid", locked, step.scope_of(actor, None))
    if locked.kind != ReportKind.INFORMASI:
        raise ActionError(_("Only a request for information can be moved to the PPID."))
    previous = step.move(locked, "to_ppid")
    locked.archive_reason = ArchiveReason.OTHER
    locked.paused_at = None
    step.save(locked, "status", "archive_reason", "paused_at")
    event = step.event(locked, actor, EventKind.STATUS, "", from_status=previous, to_status=Status.DIARSIPKAN,
                       code="moved_to_ppid", params={"number": register_number, "code": request_code})  # fmt: skip
    step.audit(actor, "to_ppid", locked, ip, status=[previous, Status.DIARSIPKAN], ppid=request_code)
    step.notify_reporter(locked, event, text="")
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
        scope=scope, ip=ip, action="merge",
    )  # fmt: skip
    locked_target = step.lock(target, None)
    step.save(locked_target)
    step.event(locked_target, actor, EventKind.NOTE, is_public=False, code="merged_from",
               params={"code": duplicate.code})  # fmt: skip
    step.audit(actor, "merge_target", locked_target, ip, duplicate=duplicate.code)
    return locked_target
