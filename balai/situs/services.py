"""The one write path of the websites: every change of a site, a page or a revision happens here.

Each function is one transaction: lock the row, ask the rules table (rules.py), check the version the person
saw, save, keep a revision, write the audit trail; emails are queued in the same transaction (core's outbox)
and sent after it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from balai.core.access import StaffScope
from balai.core.models import Membership, Unit
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.services import audit_record
from balai.lapor.images import PhotoError, process_photo

from . import rules, search
from .models import TRANSLATED_FIELDS, Kind, Official, Page, PageStatus, Revision, Site
from .rules import Actor

# Paths below a site that belong to its own sections, never to a page.
RESERVED_SLUGS = frozenset(
    {"profil", "layanan", "berita", "agenda", "dokumen", "galeri", "kontak", "ppid", "feed", "cari", "foto", "unduh"}
)
SNAPSHOT_FIELDS = (
    "title", "summary", "body", "event_on", "location", "requirements", "procedure", "duration", "cost", "product",
    "complaint_channel", "photo_alt", "photo", "document", *(f"{name}_en" for name in TRANSLATED_FIELDS),
)  # fmt: skip
# A draft also carries what goes with its photo and document, so publishing it puts the right files online.
FILE_FIELDS = ("photo_small", "document_type", "document_size")
TEXT_FIELDS = tuple(f for f in SNAPSHOT_FIELDS if f not in {"event_on", "photo", "document"})
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
RENDITION_SIDE = 480
OFFICIAL_PHOTO_SIDE = 160  # the profile page shows officials' photos at 80 px, twice that for sharp screens
STALE_MAIL_EVERY = timedelta(days=7)


class SitusError(ValueError):
    """A change that cannot be made; the message says why, for the person."""


class StaleVersionError(SitusError):
    pass


@dataclass(frozen=True)
class Upload:
    """A file as it came in: a name, its size and a stream (a form's UploadedFile or a file read from disk)."""

    name: str
    size: int
    stream: IO[bytes]


# --- helpers -------------------------------------------------------------------------------------------------


def _check_version(obj: Any, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise StaleVersionError(
            _("Someone else changed this in the meantime. Your text is kept below: check it and save again.")
        )


def _page_refuse(action: str, scope: StaffScope | None, page: Page) -> frozenset[Actor]:
    actors = rules.actors_for(scope, page.site)
    reason = rules.refusal(action, actors=actors, status=rules.state_of(page))
    if reason:
        raise SitusError(reason)
    return actors


def _site_refuse(action: str, scope: StaffScope | None, site: Site) -> None:
    if scope is None:  # the worker and the server operator's commands
        return
    reason = rules.site_refusal(action, actors=rules.actors_for(scope, site))
    if reason:
        raise SitusError(reason)


def _unique_slug(site: Site, title: str) -> str:
    base = slugify(title)[:80].strip("-") or "halaman"
    if base in RESERVED_SLUGS:
        base = f"{base}-1"
    taken = set(Page.objects.filter(site=site, slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def snapshot(page: Page) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(page, name)
        if name in {"photo", "document"}:
            out[name] = value.name or ""
        elif name == "event_on":
            out[name] = value.isoformat() if value else ""
        else:
            out[name] = value or ""
    return out


def _draft_of(page: Page) -> dict[str, Any]:
    """What a draft of the page keeps: its snapshot and the files' companions."""
    return {
        **snapshot(page),
        "photo_small": page.photo_small.name or "",
        "document_type": page.document_type,
        "document_size": page.document_size,
    }


def _restore(page: Page, saved: dict[str, Any]) -> None:
    """Put a snapshot's (or a draft's) text and files back on the page, in memory."""
    for name in TEXT_FIELDS:
        setattr(page, name, saved.get(name, ""))
    event_on = saved.get("event_on") or None
    page.event_on = datetime.fromisoformat(event_on).date() if event_on else None
    for name in ("photo", "document"):
        getattr(page, name).name = saved.get(name, "")
    if "photo_small" in saved:
        page.photo_small.name = saved["photo_small"]
        page.document_type, page.document_size = saved["document_type"], saved["document_size"]


def _revision(page: Page, actor: Any, note: str, *, text: dict[str, str] | None = None) -> Revision:
    number = (page.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    saved = text if text is not None else snapshot(page)
    return Revision.objects.create(page=page, number=number, snapshot=saved, author=user, note=note[:200])


def _process_photo(upload: Upload) -> tuple[ContentFile[bytes], ContentFile[bytes]]:
    """The photo checked, re-encoded and stripped of metadata by the report photos' pipeline, and a small copy."""
    try:
        full = process_photo(
            upload.stream, size=upload.size, max_bytes=settings.PHOTO_MAX_BYTES, max_side=settings.PHOTO_MAX_SIDE
        )
        small = process_photo(
            io.BytesIO(full.content), size=len(full.content), max_bytes=len(full.content) + 1, max_side=RENDITION_SIDE
        )
    except PhotoError as exc:
        raise SitusError(str(exc)) from exc
    return ContentFile(full.content, name="foto.jpg"), ContentFile(small.content, name="foto-kecil.jpg")


OOXML = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def document_type(head: bytes, data: IO[bytes], name: str) -> str | None:
    """What the file really is, read from its content (PDF, Office), or None when it is none of those."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "xls" if name.lower().endswith(".xls") else "doc"
    if head.startswith(b"PK\x03\x04"):
        data.seek(0)
        try:
            with zipfile.ZipFile(data) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for folder, kind in OOXML.items():
                if any(n.startswith(folder) for n in names):
                    return kind
    return None


def _check_document(upload: Upload) -> tuple[ContentFile[bytes], str]:
    if upload.size > DOCUMENT_MAX_BYTES:
        raise SitusError(_("The file is too large; a document may be at most 20 MB."))
    content = upload.stream.read(DOCUMENT_MAX_BYTES + 1)
    if not content:
        raise SitusError(_("The file is empty."))
    kind = document_type(content[:8], io.BytesIO(content), upload.name)
    if kind is None:
        raise SitusError(_("This file is not a PDF, Word, Excel or PowerPoint document."))
    stem = slugify(upload.name.rsplit(".", 1)[0])[:60] or "dokumen"
    return ContentFile(content, name=f"{stem}.{kind}"), kind


def _apply(page: Page, data: dict[str, Any], photo: Upload | None, document: Upload | None) -> list[str]:
    changed = []
    for name in (*TEXT_FIELDS, "event_on", "publish_at", "unpublish_at"):
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            if getattr(page, name) != value:
                setattr(page, name, value)
                changed.append(name)
    if not page.title:
        raise SitusError(_("Give the page a title."))
    if photo is not None:
        full, small = _process_photo(photo)
        page.photo.save(full.name or "foto.jpg", full, save=False)
        page.photo_small.save(small.name or "foto-kecil.jpg", small, save=False)
        changed.append("photo")
    if document is not None:
        content, kind = _check_document(document)
        page.document.save(content.name or "dokumen", content, save=False)
        page.document_type, page.document_size = kind, content.size
        changed.append("document")
    return changed


# --- sites ---------------------------------------------------------------------------------------------------


@transaction.atomic
def site_activate(*, actor: Any, scope: StaffScope | None, unit: Unit) -> Site:
    """Give a unit its website (or switch it back on); only the system administrator (or a command)."""
    if scope is not None and not scope.admin:
        raise SitusError(_("Only the system administrator activates websites."))
    site, created = Site.objects.get_or_create(unit=unit)
    reactivated = not created and not site.is_active
    if reactivated:
        site.is_active = True
        site.version += 1
        site.save(update_fields=["is_active", "version", "updated_at"])
    if created or reactivated:
        audit_record(actor=actor, action="situs.site.activate", obj=site, changes={"unit": unit.slug})
    return site


PROFILE_FIELDS = (
    "tagline", "tugas_fungsi", "visi_misi", "struktur", "address", "phone", "email", "opening_hours",
    "latitude", "longitude",
)  # fmt: skip


@transaction.atomic
def site_profile_update(
    *,
    actor: Any,
    scope: StaffScope | None,
    site: Site,
    version: int | None,
    data: dict[str, Any],
    profile_reviewed: bool = False,
    services_reviewed: bool = False,
    now: datetime | None = None,
) -> Site:
    """Change the profile and contact of a site; 'reviewed' marks say that an editor checked them today."""
    locked = Site.objects.select_for_update().select_related("unit").get(pk=site.pk)
    _site_refuse("profile", scope, locked)
    _check_version(locked, version)
    now = now or timezone.now()
    changed = [name for name in PROFILE_FIELDS if name in data and getattr(locked, name) != data[name]]
    for name in changed:
        setattr(locked, name, data[name])
    if profile_reviewed or changed:
        locked.profile_reviewed_at = now
        changed.append("profile_reviewed_at")
    if services_reviewed:
        locked.services_reviewed_at = now
        changed.append("services_reviewed_at")
    locked.version += 1
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action="situs.site.profile", obj=locked, changes={"fields": changed})
    return locked


# --- officials -----------------------------------------------------------------------------------------------


def _official_photo(upload: Upload) -> tuple[ContentFile[bytes], ContentFile[bytes], int, int]:
    """An official's photo through the report photos' pipeline, and a 160 px copy (with its size) for the profile."""
    try:
        full = process_photo(
            upload.stream, size=upload.size, max_bytes=settings.PHOTO_MAX_BYTES, max_side=settings.PHOTO_MAX_SIDE
        )
        small = process_photo(
            io.BytesIO(full.content),
            size=len(full.content),
            max_bytes=len(full.content) + 1,
            max_side=OFFICIAL_PHOTO_SIDE,
        )
    except PhotoError as exc:
        raise SitusError(str(exc)) from exc
    return (
        ContentFile(full.content, name="pejabat.jpg"),
        ContentFile(small.content, name="pejabat-kecil.jpg"),
        small.width,
        small.height,
    )


@transaction.atomic
def official_save(
    *,
    actor: Any,
    scope: StaffScope | None,
    site: Site,
    official: Official | None,
    version: int | None,
    data: dict[str, Any],
    photo: Upload | None = None,
) -> Official:
    """Add an official to a site's profile, or change one (name, position, place in the list, photo)."""
    locked_site = Site.objects.select_for_update().select_related("unit").get(pk=site.pk)
    _site_refuse("profile", scope, locked_site)
    if official is None:
        item = Official(site=locked_site)
        before: dict[str, Any] = {}
    else:
        item = Official.objects.select_for_update().get(pk=official.pk, site=locked_site)
        _check_version(item, version)
        before = {"name": item.name, "position": item.position, "order": item.order}
        item.version += 1
    files = _official_photo(photo) if photo is not None else None  # refused before anything is saved
    item.name = str(data.get("name", "")).strip()[:120]
    item.position = str(data.get("position", "")).strip()[:120]
    item.order = int(data.get("order") or 1)
    if not item.name:
        raise SitusError(_("Write the official's name."))
    if files is not None:
        item.photo.save(files[0].name or "pejabat.jpg", files[0], save=False)
        item.photo_small.save(files[1].name or "pejabat-kecil.jpg", files[1], save=False)
        item.photo_width, item.photo_height = files[2], files[3]
    item.save()
    locked_site.profile_reviewed_at = timezone.now()
    locked_site.version += 1
    locked_site.save(update_fields=["profile_reviewed_at", "version", "updated_at"])
    after = {"name": item.name, "position": item.position, "order": item.order, "photo": files is not None}
    audit_record(
        actor=actor,
        action="situs.official.add" if official is None else "situs.official.change",
        obj=locked_site,
        changes={"official": item.pk, "before": before, "after": after},
    )
    return item


@transaction.atomic
def official_remove(*, actor: Any, scope: StaffScope | None, official: Official, version: int | None) -> None:
    """Take an official off a site's profile (their photo files go with them)."""
    locked_site = Site.objects.select_for_update().select_related("unit").get(pk=official.site_id)
    _site_refuse("profile", scope, locked_site)
    item = Official.objects.select_for_update().get(pk=official.pk)
    _check_version(item, version)
    names = [item.photo.name, item.photo_small.name]
    audit_record(
        actor=actor,
        action="situs.official.remove",
        obj=locked_site,
        changes={"official": item.pk, "name": item.name, "position": item.position},
    )
    item.delete()
    locked_site.version += 1
    locked_site.save(update_fields=["version", "updated_at"])
    storage = Official._meta.get_field("photo").storage  # type: ignore[attr-defined]

    def _delete_files() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(_delete_files)


@transaction.atomic
def site_settings_update(
    *, actor: Any, scope: StaffScope | None, site: Site, version: int | None, review_required: bool, host: str
) -> Site:
    """The Pemda's switches for one site: whether publishing needs review, and its own go.id address."""
    locked = Site.objects.select_for_update().select_related("unit").get(pk=site.pk)
    _site_refuse("settings", scope, locked)
    _check_version(locked, version)
    host = host.strip().lower()
    if host and Site.objects.filter(host=host).exclude(pk=locked.pk).exists():
        raise SitusError(_("Another website already uses this address."))
    before = {"review_required": locked.review_required, "host": locked.host}
    locked.review_required, locked.host = review_required, host
    locked.version += 1
    locked.save(update_fields=["review_required", "host", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="situs.site.settings",
        obj=locked,
        changes={"before": before, "after": {"review_required": review_required, "host": host}},
    )
    return locked


@transaction.atomic
def site_stale_mail_sent(*, site: Site, now: datetime) -> None:
    locked = Site.objects.select_for_update().get(pk=site.pk)
    locked.stale_mail_at = now
    locked.save(update_fields=["stale_mail_at", "updated_at"])


# --- pages ---------------------------------------------------------------------------------------------------


@transaction.atomic
def page_create(
    *,
    actor: Any,
    scope: StaffScope | None,
    site: Site,
    kind: str,
    data: dict[str, Any],
    photo: Upload | None = None,
    document: Upload | None = None,
    wp_id: int | None = None,
) -> Page:
    """A new draft page of the site."""
    locked = Site.objects.select_for_update().select_related("unit").get(pk=site.pk)
    _site_refuse("create_page", scope, locked)
    if kind not in Kind.values:
        raise SitusError(_("There is no such kind of page."))
    page = Page(site=locked, kind=kind, wp_id=wp_id, status=PageStatus.DRAFT)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    page.created_by = user
    _apply(page, data, photo, document)
    if kind == Kind.DOCUMENT and not page.document:
        raise SitusError(_("Choose the file of the document."))
    page.slug = _unique_slug(locked, data.get("slug") or page.title)
    page.save()
    _revision(page, actor, _("created"))
    audit_record(actor=actor, action="situs.page.create", obj=page, changes={"site": locked.unit.slug, "kind": kind})
    return page


@transaction.atomic
def page_update(
    *,
    actor: Any,
    scope: StaffScope | None,
    page: Page,
    version: int | None,
    data: dict[str, Any],
    photo: Upload | None = None,
    document: Upload | None = None,
    note: str = "",
) -> Page:
    """Change a page's text or files. A published page stays as it is online: the change becomes its draft (a
    revision too), and goes online when a publisher publishes it."""
    locked = Page.objects.select_for_update().select_related("site__unit").get(pk=page.pk)
    _page_refuse("edit", scope, locked)
    _check_version(locked, version)
    if locked.status == PageStatus.PUBLISHED and scope is not None:
        return _draft_update(actor, locked, data, photo, document, note)
    changed = _apply(locked, data, photo, document)
    if not changed:
        return locked
    locked.version += 1
    locked.save()
    _revision(locked, actor, note or _("edited"))
    search.index_pages([locked.pk])
    audit_record(actor=actor, action="situs.page.edit", obj=locked, changes={"fields": changed})
    return locked


def _draft_update(
    actor: Any, locked: Page, data: dict[str, Any], photo: Upload | None, document: Upload | None, note: str
) -> Page:
    online = _draft_of(locked)
    if locked.draft:
        _restore(locked, locked.draft)  # the change goes on from the draft, not from what is online
    before = _draft_of(locked)
    changed = _apply(locked, data, photo, document)
    if not changed:
        _restore(locked, online)
        return locked
    draft = _draft_of(locked)
    _restore(locked, online)
    locked.draft = None if draft == online else draft
    locked.version += 1
    locked.save(update_fields=["draft", "version", "updated_at"])
    if draft != before:
        _revision(locked, actor, note or _("draft of a published page"), text=snapshot_of(draft))
    audit_record(actor=actor, action="situs.page.draft", obj=locked, changes={"fields": changed})
    return locked


def snapshot_of(draft: dict[str, Any]) -> dict[str, str]:
    return {name: draft.get(name, "") for name in SNAPSHOT_FIELDS}


def shown_to_staff(page: Page) -> Page:
    """The page as its editors see it: with its waiting draft, if any (in memory; never saved)."""
    if page.draft:
        _restore(page, page.draft)
    return page


@transaction.atomic
def page_act(
    *,
    actor: Any,
    scope: StaffScope | None,
    page: Page,
    action: str,
    version: int | None,
    now: datetime | None = None,
    publish_at: datetime | None = None,
    unpublish_at: datetime | None = None,
    note: str = "",
) -> Page:
    """Move a page along: submit for review, publish (now or at `publish_at`), send back, take offline."""
    if action not in {"submit", "publish", "send_back", "unpublish"}:
        raise SitusError(_("There is no such action."))
    locked = Page.objects.select_for_update().select_related("site__unit").get(pk=page.pk)
    _page_refuse(action, scope, locked)
    _check_version(locked, version)
    now = now or timezone.now()
    before = rules.state_of(locked)
    fields = ["status", "version", "updated_at"]
    if before == rules.CHANGED and action in {"submit", "publish"}:
        return _changes_act(actor, scope, locked, action, note)
    if action == "submit":
        locked.status = PageStatus.REVIEW
    elif action == "send_back":
        locked.status = PageStatus.DRAFT
    elif action == "unpublish":
        locked.status = PageStatus.UNPUBLISHED
        locked.unpublish_at = None
        fields.append("unpublish_at")
    else:
        if locked.kind == Kind.DOCUMENT and not locked.document:
            raise SitusError(_("A document page needs its file before it is published."))
        at = publish_at if publish_at is not None else locked.publish_at
        if unpublish_at is not None:
            locked.unpublish_at = unpublish_at
        if locked.unpublish_at is not None and locked.unpublish_at <= (at if at and at > now else now):
            raise SitusError(_("The page would be taken offline before it is published: check the two dates."))
        if at is not None and at > now and scope is not None:
            locked.status, locked.publish_at = PageStatus.SCHEDULED, at
        else:
            locked.status, locked.publish_at = PageStatus.PUBLISHED, None
            locked.published_at = locked.published_at or now
        fields += ["publish_at", "unpublish_at", "published_at"]
    locked.version += 1
    locked.save(update_fields=fields)
    search.index_pages([locked.pk])
    audit_record(
        actor=actor,
        action=f"situs.page.{action}",
        obj=locked,
        changes={"from": before, "to": locked.status, "site": locked.site.unit.slug, "note": note[:200]},
        actor_label="" if scope is not None else "system",
    )
    if action == "submit":
        _queue_review_mails(locked)
    return locked


def _changes_act(actor: Any, scope: StaffScope | None, locked: Page, action: str, note: str) -> Page:
    """A published page's draft: sent to the publishers, or put online (the page stays published throughout)."""
    locked.version += 1
    if action == "publish":
        draft = locked.draft or {}
        _restore(locked, draft)
        locked.draft = None
        locked.save()
        search.index_pages([locked.pk])
    else:
        locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action=f"situs.page.{action}",
        obj=locked,
        changes={"from": rules.CHANGED, "to": rules.state_of(locked), "site": locked.site.unit.slug, "note": note},
        actor_label="" if scope is not None else "system",
    )
    if action == "submit":
        _queue_review_mails(locked)
    return locked


@transaction.atomic
def page_rollback(*, actor: Any, scope: StaffScope | None, page: Page, version: int | None, number: int) -> Page:
    """Bring back the text of an earlier revision (as a new revision: nothing is lost)."""
    locked = Page.objects.select_for_update().select_related("site__unit").get(pk=page.pk)
    _page_refuse("rollback", scope, locked)
    _check_version(locked, version)
    old = Revision.objects.filter(page=locked, number=number).first()
    if old is None:
        raise SitusError(_("There is no such revision."))
    _restore(locked, old.snapshot)
    locked.version += 1
    locked.save()
    _revision(locked, actor, _("rolled back to revision %(number)d") % {"number": number})
    search.index_pages([locked.pk])
    audit_record(actor=actor, action="situs.page.rollback", obj=locked, changes={"to_revision": number})
    return locked


def _queue_review_mails(page: Page) -> None:
    """Tell the site's publishers that a page waits for them (after the transaction)."""
    emails = sorted(
        set(
            Membership.objects.filter(
                unit_id=page.site.unit_id, module=rules.MODULE, role=rules.PUBLISHER_ROLE, is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    mails = []
    for email in emails:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "situs/email/review.txt", {"page": page, "site_url": settings.SITE_URL, "unit": page.site.unit}
            )
            subject = _("Waiting for your review: %(title)s") % {"title": page.title}
        mails.append(
            mail_queue(kind="situs.review", to=email, subject=subject, body=body, language=settings.LANGUAGE_CODE)
        )
    transaction.on_commit(lambda: mail_deliver_all(mails))


# --- the worker ----------------------------------------------------------------------------------------------


def scheduled_run(now: datetime) -> dict[str, int]:
    """Publish the scheduled pages whose time has come and take offline those whose end has come."""
    published = unpublished = 0
    due = Page.objects.filter(status=PageStatus.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True)
    for pk in list(due[:500]):
        page = Page.objects.get(pk=pk)
        page_act(actor=None, scope=None, page=page, action="publish", version=None, now=now)
        published += 1
    ending = Page.objects.filter(status=PageStatus.PUBLISHED, unpublish_at__lte=now).values_list("pk", flat=True)
    for pk in list(ending[:500]):
        page_act(actor=None, scope=None, page=Page.objects.get(pk=pk), action="unpublish", version=None, now=now)
        unpublished += 1
    return {"published": published, "unpublished": unpublished}


def stale_mail_run(now: datetime) -> dict[str, int]:
    """Once a week per stale site: an email to each of its editors naming what is stale."""
    from .freshness import stale_reasons

    sent = 0
    sites = list(Site.objects.filter(is_active=True).select_related("unit"))
    reasons = stale_reasons(sites, now)
    for site in sites:
        found = reasons.get(site.pk, [])
        if not found or (site.stale_mail_at is not None and now - site.stale_mail_at < STALE_MAIL_EVERY):
            continue
        emails = sorted(
            set(
                Membership.objects.filter(
                    unit_id=site.unit_id, module=rules.MODULE, role=rules.EDITOR_ROLE, is_active=True
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        with transaction.atomic():
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Your website needs attention: %(unit)s") % {"unit": site.unit.name}
                body = render_to_string(
                    "situs/email/stale.txt", {"site": site, "reasons": found, "site_url": settings.SITE_URL}
                )
            mails = [
                mail_queue(kind="situs.stale", to=email, subject=subject, body=body, language=settings.LANGUAGE_CODE)
                for email in emails
            ]
            site_stale_mail_sent(site=site, now=now)
            transaction.on_commit(lambda mails=mails: mail_deliver_all(mails))  # type: ignore[misc]
        sent += len(mails)
    return {"stale_mails": sent}


# --- WordPress ------------------------------------------------------------------------------------------------

_TAGS = re.compile(r"<[^>]+>")


def page_import(
    *, site: Site, wp_id: int, kind: str, data: dict[str, Any], publish: bool, when: datetime | None
) -> bool:
    """Create or update the page that came from WordPress post `wp_id` (a command's write: no person's scope).

    Returns True when the page was new."""
    existing = Page.objects.filter(site=site, wp_id=wp_id).first()
    if existing is None:
        page = page_create(actor=None, scope=None, site=site, kind=kind, data=data, wp_id=wp_id)
        created = True
    else:
        page = page_update(actor=None, scope=None, page=existing, version=None, data=data, note="WordPress")
        created = False
    if publish and page.status != PageStatus.PUBLISHED:
        page_act(actor=None, scope=None, page=page, action="publish", version=None, now=when)
    return created
