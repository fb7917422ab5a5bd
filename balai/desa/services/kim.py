"""Writes on the KIM registry and the KIM's posts: register a KIM and its members (Diskominfo), post (a KIM
member; a trusted KIM publishes at once), moderate (approve, return, refuse with a reason), relay a citizen's
problem to the reporting module; and the unit's registered mail address."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from balai.core.models import Unit
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.services import Actor as Person
from balai.core.services import audit_record

from .. import rules
from ..models import Kim, KimMember, KimPost, KimRelay, PostStatus, UnitMailbox
from ._common import DesaError, email_valid, file_kind, version_check

SK_MAX_BYTES = 10 * 1024 * 1024


def mailbox_set(*, actor: Person, unit: Unit, sender_email: str) -> UnitMailbox:
    """Register the address a unit sends its reports from (the mayor's office)."""
    address = sender_email.strip().lower()
    if not email_valid(address):
        raise DesaError(_("Write a valid email address."))
    with transaction.atomic():
        mailbox, created = UnitMailbox.objects.select_for_update().get_or_create(
            unit=unit, defaults={"sender_email": address}
        )
        if not created:
            mailbox.sender_email = address
            mailbox.save(update_fields=["sender_email", "updated_at"])
        audit_record(actor=actor, action="desa.mailbox.set", obj=mailbox, changes={"unit": unit.slug})
    return mailbox


@dataclass(frozen=True)
class KimInput:
    unit: Unit
    name: str
    sk_number: str = ""
    sk_date: dt.date | None = None
    contact: str = ""
    media_channels: str = ""
    latitude: Any = None
    longitude: Any = None
    trusted: bool = False


def kim_save(
    *,
    actor: Person,
    data: KimInput,
    kim: Kim | None = None,
    sk_scan: bytes | None = None,
    version: int | None = None,
) -> Kim:
    """Register a KIM or change it (Diskominfo). The SK scan must be a PDF (checked by its content)."""
    if data.unit.kind not in ("kelurahan", "desa"):
        raise DesaError(_("A KIM belongs to a kelurahan or a desa."))
    if not data.name.strip():
        raise DesaError(_("Write the KIM's name."))
    if sk_scan is not None and (len(sk_scan) > SK_MAX_BYTES or file_kind(sk_scan) != "pdf"):
        raise DesaError(_("The SK scan must be a PDF file of at most 10 MB."))
    with transaction.atomic():
        if kim is None:
            base = slugify(data.name)[:60] or "kim"
            slug, n = base, 1
            while Kim.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            kim = Kim(slug=slug)
            action = "create"
        else:
            kim = Kim.objects.select_for_update().get(pk=kim.pk)
            version_check(kim.version, version)
            kim.version += 1
            action = "change"
        for name in ("unit", "sk_number", "sk_date", "contact", "media_channels", "latitude", "longitude", "trusted"):
            setattr(kim, name, getattr(data, name))
        kim.name = data.name.strip()
        if sk_scan is not None:
            kim.sk_scan.save("sk.pdf", ContentFile(sk_scan), save=False)
        try:
            kim.full_clean(exclude=["unit"])
        except ValidationError as exc:
            raise DesaError(" ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        kim.save()
        audit_record(actor=actor, action=f"desa.kim.{action}", obj=kim, changes={"name": kim.name})
    return kim


def kim_member_add(*, actor: Person, kim: Kim, name: str, role: str, phone: str = "", user: Any = None) -> KimMember:
    if not name.strip():
        raise DesaError(_("Write the member's name."))
    with transaction.atomic():
        member = KimMember(kim=kim, name=name.strip(), role=role, phone=phone.strip(), user=user)
        member.full_clean(exclude=["kim", "user"])
        member.save()
        audit_record(actor=actor, action="desa.kim.member_add", obj=kim, changes={"role": role})
    return member


def kim_member_remove(*, actor: Person, member: KimMember) -> None:
    with transaction.atomic():
        kim = member.kim
        KimMember.objects.filter(pk=member.pk).delete()
        audit_record(actor=actor, action="desa.kim.member_remove", obj=kim, changes={"role": member.role})


def _photo(content: bytes) -> bytes:
    """The reporting module's photo pipeline: checked by content, resized, re-encoded, metadata stripped."""
    from balai.lapor.images import PhotoError, process_photo

    try:
        return process_photo(
            io.BytesIO(content),
            size=len(content),
            max_bytes=settings.PHOTO_MAX_BYTES,
            max_side=settings.PHOTO_MAX_SIDE,
        ).content
    except PhotoError as exc:
        raise DesaError(str(exc)) from exc


def _touch(kim: Kim, now: dt.datetime) -> None:
    Kim.objects.filter(pk=kim.pk).update(last_activity_at=now)


def post_create(
    *,
    actor: Person,
    actors: set[rules.Actor],
    kim: Kim,
    kind: str,
    title: str,
    body: str,
    event_date: dt.date | None = None,
    photo: bytes | None = None,
    post: KimPost | None = None,
    version: int | None = None,
) -> KimPost:
    """A KIM member's post (or their corrected returned post): waits for Diskominfo, or is published at once when
    the KIM is trusted. The photo goes through the reporting module's pipeline before anything is written."""
    if rules.Actor.SENDER not in actors:
        raise DesaError(_("Only the KIM's own members post for it."))
    if not title.strip() or not body.strip():
        raise DesaError(_("Write a title and the text."))
    clean = _photo(photo) if photo else None
    now = timezone.now()
    with transaction.atomic():
        if post is None:
            post = KimPost(kim=kim, author=actor)
            action = "post"
        else:
            post = KimPost.objects.select_for_update().get(pk=post.pk)
            refusal = rules.post_refusal("edit", post.status, actors)
            if refusal:
                raise DesaError(refusal)
            version_check(post.version, version)
            post.version += 1
            action = "edit"
        post.kind, post.title, post.body, post.event_date = kind, title.strip(), body.strip(), event_date
        post.status = PostStatus.PUBLISHED if kim.trusted else PostStatus.SUBMITTED
        post.published_at = now if kim.trusted else None
        post.moderation_note = ""
        if clean is not None:
            post.photo.save("foto.jpg", ContentFile(clean), save=False)
        post.full_clean(exclude=["kim", "author", "photo"])
        post.save()
        _touch(kim, now)
        audit_record(actor=actor, action=f"desa.post.{action}", obj=post, changes={"status": post.status})
    return post


def post_moderate(
    *,
    actor: Person,
    actors: set[rules.Actor],
    post: KimPost,
    action: str,
    reason: str = "",
    version: int | None = None,
) -> KimPost:
    """Diskominfo approves a post, returns it for changes or refuses it; returning and refusing need a reason,
    which the author receives by email."""
    reason = reason.strip()
    if action in ("return", "refuse") and not reason:
        raise DesaError(_("Write the reason: the KIM reads it."))
    with transaction.atomic():
        locked = KimPost.objects.select_for_update(of=("self",)).select_related("kim", "author").get(pk=post.pk)
        refusal = rules.post_refusal(action, locked.status, actors)
        if refusal:
            raise DesaError(refusal)
        version_check(locked.version, version)
        locked.status = rules.POST_RULES[action].to_status or locked.status
        locked.moderation_note = reason[:500]
        locked.version += 1
        if action == "approve":
            locked.published_at = timezone.now()
        locked.save()
        audit_record(actor=actor, action=f"desa.post.{action}", obj=locked, changes={"reason": reason[:200]})
        mails = []
        if locked.author is not None and locked.author.email:
            with translation.override("id"):
                mails.append(
                    mail_queue(
                        kind=f"desa.post_{action}",
                        to=locked.author.email,
                        subject=_("[Balai] Your KIM post: %(title)s") % {"title": locked.title[:150]},
                        body=_("Diskominfo: %(status)s.\n%(reason)s\n")
                        % {"status": locked.get_status_display(), "reason": reason},
                        language="id",
                    )
                )
    mail_deliver_all(mails)
    return locked


def kim_relay(
    *,
    actor: Person,
    actors: set[rules.Actor],
    kim: Kim,
    category_id: int,
    title: str,
    description: str,
    citizen_name: str = "",
    citizen_phone: str = "",
) -> KimRelay:
    """A KIM passes a citizen's problem on as a report of the reporting module (dispatched like any other)."""
    from balai.lapor.selectors import categories_active
    from balai.lapor.services import ReportInput, report_submit

    if rules.Actor.SENDER not in actors:
        raise DesaError(_("Only the KIM's own members relay for it."))
    if not title.strip() or not description.strip():
        raise DesaError(_("Write a title and the problem."))
    category = categories_active().filter(pk=category_id).first()
    if category is None:
        raise DesaError(_("Choose a category."))
    with transaction.atomic():
        report = report_submit(
            data=ReportInput(
                category=category,
                title=title,
                description=description,
                kelurahan=kim.unit.wilayah,
                reporter_name=citizen_name or kim.name,
                reporter_phone=citizen_phone,
                # The citizen's name stays off the public page: the KIM relays it, the verifier decides.
                is_anonymous=True,
                consent=True,
            ),
            actor=actor,
            channel="staff",
        )
        relay = KimRelay.objects.create(kim=kim, lapor_code=report.code, author=actor)
        _touch(kim, timezone.now())
        audit_record(actor=actor, action="desa.kim.relay", obj=kim, changes={"lapor": report.code})
    return relay


def members_bulk(*, actor: Person, kim: Kim, members: Sequence[tuple[str, str]]) -> int:
    """Several members at once (the demo, an import): (name, role) pairs."""
    with transaction.atomic():
        KimMember.objects.bulk_create([KimMember(kim=kim, name=n, role=r) for n, r in members])
        audit_record(actor=actor, action="desa.kim.members_add", obj=kim, changes={"count": len(members)})
    return len(members)
