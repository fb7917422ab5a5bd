"""Writes to an indicator's assessment: each is one transaction that locks the row, asks the allowed-actions table
(balai.spbe.rules), checks the version the person saw, saves, records the audit trail and queues the emails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balai.core.access import StaffScope, staff_scope
from balai.core.models import Membership, OutgoingMail
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.services import audit_record
from balai.lapor.images import PhotoError, process_photo

from .. import rules
from ..models import Assessment, Comment, EvidenceItem, EvidenceKind, Status
from .errors import ActionError, StaleVersionError

PDF_MAGIC = b"%PDF-"
MAX_EVIDENCE = 30


def _label(actor: Any) -> str:
    return actor.get_full_name() or actor.get_username() if actor is not None else "sistem"


def _lock(assessment: Assessment, version: int | None) -> Assessment:
    locked = (
        Assessment.objects.select_for_update().select_related("indicator", "indicator__framework").get(pk=assessment.pk)
    )
    if version is not None and locked.version != version:
        raise StaleVersionError(
            _(
                "Someone else changed this indicator while you were working on it. What you typed is kept below; "
                "check the page and send it again if it still applies."
            )
        )
    return locked


def _allow(action: str, locked: Assessment, actor: Any, scope: StaffScope | None) -> StaffScope:
    scope = scope if scope is not None else staff_scope(actor)
    refusal = rules.staff_refusal(action, scope, locked)
    if refusal:
        raise ActionError(refusal)
    return scope


def _save(locked: Assessment, fields: list[str]) -> None:
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])


def _audit(actor: Any, action: str, locked: Assessment, changes: dict[str, Any]) -> None:
    audit_record(actor=actor, action=f"spbe.{action}", obj=locked,
                 changes={"indicator": locked.indicator.number, "year": locked.indicator.framework.year, **changes})  # fmt: skip


def _page_url(assessment: Assessment) -> str:
    indicator = assessment.indicator
    return settings.SITE_URL + reverse("spbe:indicator", args=[indicator.framework.year, indicator.number])


def _mail(kind: str, to: list[str], subject: str, body: str) -> None:
    """One email per address into the outbox, in this transaction; the first attempt once it is committed."""
    language = settings.LANGUAGE_CODE
    mails: list[OutgoingMail] = [
        mail_queue(kind=f"spbe.{kind}", to=address, subject=subject, body=body, language=language)
        for address in sorted(set(to))
        if address
    ]
    if mails:
        transaction.on_commit(lambda: mail_deliver_all(mails))


def coordinator_emails() -> list[str]:
    return list(
        Membership.objects.filter(
            module=rules.MODULE, role=rules.COORDINATOR_ROLE, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def assessment_save(
    *, actor: Any, assessment: Assessment, version: int | None, level: int | None, justification: str,
    scope: StaffScope | None = None,
) -> Assessment:  # fmt: skip
    """The officer's level and justification, kept as a draft until submitted."""
    locked = _lock(assessment, version)
    _allow("save", locked, actor, scope)
    if level is not None and level not in (1, 2, 3, 4, 5):
        raise ActionError(_("Choose a level from 1 to 5."))
    before = {"level": locked.level, "justification": locked.justification}
    locked.level = level
    locked.justification = justification.strip()
    _save(locked, ["level", "justification"])
    _audit(actor, "save", locked, {"level": [before["level"], level],
                                   "justification_changed": before["justification"] != locked.justification})  # fmt: skip
    return locked


@transaction.atomic
def evidence_add(
    *, actor: Any, assessment: Assessment, version: int | None, title: str, url: str = "", upload: Any = None,
    scope: StaffScope | None = None,
) -> EvidenceItem:  # fmt: skip
    """A link, or a file checked by its content: a PDF stays as it is, anything else must be a photo or screenshot
    and goes through the photo pipeline (re-encoded, resized, metadata stripped)."""
    locked = _lock(assessment, version)
    _allow("add_evidence", locked, actor, scope)
    title = title.strip()
    if not title:
        raise ActionError(_("Give the evidence a title, such as the document's name."))
    if locked.evidence_items.count() >= MAX_EVIDENCE:
        raise ActionError(_("An indicator holds at most %(count)d pieces of evidence.") % {"count": MAX_EVIDENCE})
    item = EvidenceItem(assessment=locked, title=title[:200], added_by=actor)
    if upload is not None:
        size = upload.size or 0
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head == PDF_MAGIC:
            if size > settings.PHOTO_MAX_BYTES:
                raise ActionError(_("The file is too large; at most 10 MB."))
            content, suffix, item.kind = upload.read(), "pdf", EvidenceKind.DOCUMENT
        else:
            try:
                photo = process_photo(
                    upload, size=size, max_bytes=settings.PHOTO_MAX_BYTES, max_side=settings.PHOTO_MAX_SIDE
                )
            except PhotoError as exc:
                raise ActionError(
                    _("This file is neither a PDF nor a photo: %(reason)s") % {"reason": str(exc)}
                ) from exc
            content, suffix, item.kind = photo.content, "jpg", EvidenceKind.PHOTO
        item.original_name = str(getattr(upload, "name", ""))[:200]
        item.file.save(f"{item.public_id}.{suffix}", ContentFile(content), save=False)
    elif url.strip():
        try:
            URLValidator(schemes=["http", "https"])(url.strip())
        except ValidationError:
            raise ActionError(_("The link must be a full web address starting with https://.")) from None
        item.kind, item.url = EvidenceKind.LINK, url.strip()
    else:
        raise ActionError(_("Give a link or choose a file (a PDF, a photo or a screenshot)."))
    item.save()
    _save(locked, [])
    _audit(actor, "evidence_add", locked, {"evidence": str(item.public_id), "kind": item.kind, "title": item.title})
    return item


@transaction.atomic
def evidence_remove(
    *, actor: Any, item: EvidenceItem, version: int | None, scope: StaffScope | None = None
) -> Assessment:
    locked = _lock(item.assessment, version)
    _allow("remove_evidence", locked, actor, scope)
    title, public_id = item.title, str(item.public_id)
    if item.file:
        name = item.file.name
        transaction.on_commit(lambda: item.file.storage.delete(name))
    item.delete()
    _save(locked, [])
    _audit(actor, "evidence_remove", locked, {"evidence": public_id, "title": title})
    return locked


@transaction.atomic
def assessment_submit(*, actor: Any, assessment: Assessment, version: int | None,
                      scope: StaffScope | None = None) -> Assessment:  # fmt: skip
    """To the coordinator for review: needs a level and a justification; the coordinators get an email."""
    locked = _lock(assessment, version)
    _allow("submit", locked, actor, scope)
    if locked.level is None or not locked.justification.strip():
        raise ActionError(_("Choose a level and write the justification before submitting."))
    locked.status, locked.submitted_at = Status.SUBMITTED, timezone.now()
    _save(locked, ["status", "submitted_at"])
    _audit(actor, "submit", locked, {"level": locked.level})
    indicator = locked.indicator
    recipients = [address for address in coordinator_emails() if address]
    if not recipients:
        return locked
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SPBE indicator %(number)d submitted for review") % {"number": indicator.number}
        body = _(
            "%(who)s submitted indicator %(number)d (%(name)s) of %(year)d at level %(level)d.\n\n"
            "Review it: %(url)s\n"
        ) % {"who": _label(actor), "number": indicator.number, "name": indicator.name,
             "year": indicator.framework.year, "level": locked.level, "url": _page_url(locked)}  # fmt: skip
    _mail("submitted", recipients, subject, body)
    return locked


def _tell_officer(locked: Assessment, kind: str, subject: str, body: str) -> None:
    officer = locked.officer
    if officer is not None and officer.email:
        _mail(kind, [officer.email], subject, body)


@transaction.atomic
def assessment_review(*, actor: Any, assessment: Assessment, version: int | None, note: str = "",
                      scope: StaffScope | None = None) -> Assessment:  # fmt: skip
    """The coordinator accepts the level: from now on it counts in the index."""
    locked = _lock(assessment, version)
    _allow("review", locked, actor, scope)
    locked.status, locked.reviewed_at, locked.reviewed_by = Status.REVIEWED, timezone.now(), actor
    locked.review_note = note.strip()
    _save(locked, ["status", "reviewed_at", "reviewed_by", "review_note"])
    _audit(actor, "review", locked, {"level": locked.level, "note": locked.review_note})
    indicator = locked.indicator
    if locked.officer is None or not locked.officer.email:
        return locked
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SPBE indicator %(number)d reviewed") % {"number": indicator.number}
        body = _("The coordinator accepted level %(level)d for indicator %(number)d (%(name)s).\n\n%(url)s\n") % {
            "level": locked.level, "number": indicator.number, "name": indicator.name, "url": _page_url(locked)}  # fmt: skip
    _tell_officer(locked, "reviewed", subject, body)
    return locked


@transaction.atomic
def assessment_return(*, actor: Any, assessment: Assessment, version: int | None, note: str,
                      scope: StaffScope | None = None) -> Assessment:  # fmt: skip
    """Back to the officer with the coordinator's reason (also a reviewed level, which then stops counting)."""
    locked = _lock(assessment, version)
    _allow("return", locked, actor, scope)
    if not note.strip():
        raise ActionError(_("Say what the officer should change."))
    locked.status, locked.review_note = Status.RETURNED, note.strip()
    locked.reviewed_at, locked.reviewed_by = None, None
    _save(locked, ["status", "review_note", "reviewed_at", "reviewed_by"])
    _audit(actor, "return", locked, {"note": locked.review_note})
    indicator = locked.indicator
    if locked.officer is None or not locked.officer.email:
        return locked
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SPBE indicator %(number)d returned for changes") % {"number": indicator.number}
        body = _("The coordinator returned indicator %(number)d (%(name)s):\n\n%(note)s\n\n%(url)s\n") % {
            "number": indicator.number, "name": indicator.name, "note": locked.review_note,
            "url": _page_url(locked)}  # fmt: skip
    _tell_officer(locked, "returned", subject, body)
    return locked


def officers() -> Any:
    """The people who hold the indicator officer's role."""
    return (
        get_user_model()
        .objects.filter(
            memberships__module=rules.MODULE, memberships__role=rules.OFFICER_ROLE, memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )  # fmt: skip


@transaction.atomic
def assessment_assign(*, actor: Any, assessment: Assessment, version: int | None, officer: Any,
                      scope: StaffScope | None = None) -> Assessment:  # fmt: skip
    """The coordinator names the officer responsible (someone with the officer's role), or nobody."""
    locked = _lock(assessment, version)
    _allow("assign", locked, actor, scope)
    if officer is not None and not officers().filter(pk=officer.pk).exists():
        raise ActionError(_("This person does not hold the SPBE indicator officer's role."))
    before = locked.officer.get_username() if locked.officer else ""
    locked.officer = officer
    _save(locked, ["officer"])
    _audit(actor, "assign", locked, {"officer": [before, officer.get_username() if officer else ""]})
    if officer is not None and officer.email:
        indicator = locked.indicator
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("You are responsible for SPBE indicator %(number)d") % {"number": indicator.number}
            body = _("Fill in indicator %(number)d (%(name)s) of %(year)d with its evidence:\n\n%(url)s\n") % {
                "number": indicator.number, "name": indicator.name, "year": indicator.framework.year,
                "url": _page_url(locked)}  # fmt: skip
        _mail("assigned", [officer.email], subject, body)
    return locked


@transaction.atomic
def comment_add(*, actor: Any, assessment: Assessment, text: str, scope: StaffScope | None = None) -> Comment:
    locked = _lock(assessment, None)
    _allow("comment", locked, actor, scope)
    text = text.strip()
    if not text:
        raise ActionError(_("Write the comment first."))
    comment = Comment.objects.create(assessment=locked, author=actor, author_label=_label(actor), text=text[:2000])
    _audit(actor, "comment", locked, {"comment": comment.pk})
    return comment


@transaction.atomic
def levels_record(*, actor: Any, framework: Any, levels: dict[int, int], note: str,
                  scope: StaffScope | None = None) -> int:  # fmt: skip
    """Record a finished evaluation's levels at once (the levels KemenPANRB published for a past year, say): the
    draft indicators named get their level as reviewed, with `note` as the justification. The system
    administrator's (or the system's) action; one audit event for the year. Returns how many were recorded."""
    if actor is not None:
        refusal = rules.framework_refusal(scope if scope is not None else staff_scope(actor))
        if refusal:
            raise ActionError(refusal)
    if any(level not in (1, 2, 3, 4, 5) for level in levels.values()):
        raise ActionError(_("Choose a level from 1 to 5."))
    now = timezone.now()
    rows = list(
        Assessment.objects.select_for_update()
        .filter(indicator__framework=framework, indicator__number__in=list(levels), status=Status.DRAFT)
        .select_related("indicator")
    )
    for row in rows:
        row.level = levels[row.indicator.number]
        row.justification = note
        row.status, row.reviewed_at, row.reviewed_by = Status.REVIEWED, now, actor
        row.version += 1
    Assessment.objects.bulk_update(rows, ["level", "justification", "status", "reviewed_at", "reviewed_by",
                                          "version", "updated_at"])  # fmt: skip
    audit_record(actor=actor, action="spbe.levels_record", obj=framework,
                 changes={"year": framework.year, "levels": {r.indicator.number: r.level for r in rows}})  # fmt: skip
    return len(rows)
