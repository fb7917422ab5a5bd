"""A new report, from any channel (web, API, Open311, email, staff on behalf of a walk-in), and the photos a
form keeps while its other fields still have errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from balai.core.models import Pemda, Wilayah
from balai.core.selectors import kelurahan_at, pemda_current, work_calendar
from balai.core.services import Actor, audit_record

from .. import codes
from ..images import ProcessedPhoto
from ..models import (
    VERIFY_WORKING_DAYS,
    Category,
    Channel,
    EventKind,
    PendingPhoto,
    Report,
    ReportEvent,
    ReportKind,
    ReportPhoto,
    Status,
)
from . import _steps as step

log = logging.getLogger(__name__)
PENDING_PHOTO_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class ReportInput:
    """A validated report, whatever channel it came from."""

    category: Category
    title: str
    description: str
    # None: a map point only, in no imported kelurahan boundary; set when the report is verified.
    kelurahan: Wilayah | None
    kind: str = ReportKind.PENGADUAN
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    is_anonymous: bool = False
    is_confidential: bool = False
    consent: bool = False
    language: str = "id"
    answers: dict[str, Any] = field(default_factory=dict)
    media_url: str = ""


class DuplicateSubmission(Exception):  # noqa: N818 - it is a signal, not an error
    """The same form was submitted before; `report` is what the first submission created."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.code)
        self.report = report


def _actor_label(actor: Actor, fallback: str) -> str:
    if actor is not None and actor.is_authenticated:
        return actor.get_username()
    return fallback


def _unique_code(pemda: Pemda) -> str:
    for _attempt in range(10):
        code = codes.generate(pemda.code_prefix)
        if not Report.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find a free tracking code")  # 2**40 codes: practically unreachable


def report_submit(
    *,
    data: ReportInput,
    photos: Sequence[ProcessedPhoto] = (),
    pending: Sequence[PendingPhoto] = (),
    actor: Actor = None,
    ip_address: str | None = None,
    channel: str = Channel.WEB,
    submission_token: UUID | None = None,
    pemda: Pemda | None = None,
    api_client: Any = None,
    in_transaction: Callable[[Report], None] | None = None,
) -> Report:
    """Store a new report with its photos and first event, and queue the confirmation email.

    All or nothing: if anything fails, no row is kept and the photo files written are removed.
    A second call with the same submission token raises DuplicateSubmission with the first report.
    `in_transaction` runs last inside the report's transaction (the web form counts its rate limit there).
    """
    pemda = pemda or pemda_current()
    if pemda is None:
        raise RuntimeError("the Pemda profile is not configured")
    if submission_token is not None and Report.objects.filter(submission_token=submission_token).exists():
        raise DuplicateSubmission(Report.objects.get(submission_token=submission_token))
    # Reads and computations before the transaction: on SQLite it holds the database's only write lock.
    # (The unique constraints still decide a race on the token or, at 2**40 codes, on the code.)
    code = _unique_code(pemda)
    kelurahan = data.kelurahan
    if kelurahan is None and data.latitude is not None and data.longitude is not None:
        kelurahan = kelurahan_at(pemda, data.latitude, data.longitude)
    now = timezone.now()
    verify_due_at = work_calendar(pemda).add_working_days(now, VERIFY_WORKING_DAYS)
    written: list[str] = []
    try:
        # The new photos' files are written before the transaction too (removed again if it fails).
        for number, photo in enumerate(photos, start=len(pending) + 1):
            written.append(default_storage.save(f"laporan/{now:%Y/%m}/{code}-{number}.jpg", ContentFile(photo.content)))
        with transaction.atomic():
            report = Report.objects.create(
                code=code,
                kind=data.kind,
                category=data.category,
                title=data.title,
                description=data.description,
                kecamatan_id=kelurahan.parent_id if kelurahan else None,
                kelurahan=kelurahan,
                address=data.address,
                latitude=data.latitude,
                longitude=data.longitude,
                reporter_name="" if data.is_anonymous and not data.reporter_name else data.reporter_name,
                reporter_email=data.reporter_email,
                reporter_phone=data.reporter_phone,
                reporter_user=actor
                if actor is not None and actor.is_authenticated and channel == Channel.WEB
                else None,
                is_anonymous=data.is_anonymous,
                is_confidential=data.is_confidential,
                consent_at=now if data.consent else None,
                channel=channel,
                weight=data.category.default_weight,
                lead_unit=None,
                verify_due_at=verify_due_at,
                submission_token=submission_token,
                photo_count=len(photos) + len(pending),
                language=data.language,
                answers=data.answers,
                media_url=data.media_url,
                api_client=api_client,
            )
            position = 0
            for item in pending:
                ReportPhoto.objects.create(
                    report=report,
                    file=item.file.name,
                    width=item.width,
                    height=item.height,
                    size=item.size,
                    position=position,
                )
                position += 1
            if pending:
                PendingPhoto.objects.filter(pk__in=[p.pk for p in pending]).delete()
            for photo, name in zip(photos, written, strict=True):
                ReportPhoto.objects.create(
                    report=report,
                    file=name,
                    width=photo.width,
                    height=photo.height,
                    size=len(photo.content),
                    position=position,
                )
                position += 1
            # The OPD reads the timeline: an anonymous reporter's own account is named in the audit trail only.
            hide_account = data.is_anonymous and report.reporter_user is not None
            ReportEvent.objects.create(
                report=report,
                created_at=now,
                actor=None if hide_account else report.reporter_user,
                actor_label="pelapor" if hide_account else _actor_label(actor, "pelapor"),
                kind=EventKind.STATUS,
                to_status=Status.DITERIMA,
                note="",
                is_public=True,
            )
            audit_record(
                actor=actor,
                action="report.submit",
                obj=report,
                changes={"channel": channel, "category": data.category.slug, "photos": report.photo_count},
                ip_address=ip_address,
                actor_label=_actor_label(actor, "pelapor"),
            )
            if report.reporter_email:
                from ..tasks import send_report_received

                # The database task backend writes the job in this same transaction.
                send_report_received.enqueue(report.code)
            if in_transaction is not None:
                in_transaction(report)
            # Last: the observers (the command center adds every report of the month to the same few summary cells,
            # whose row locks on PostgreSQL
            # are held from here to the commit).
            step.created(report)
    except IntegrityError:
        _remove_files(written)
        if submission_token is not None:
            earlier = Report.objects.filter(submission_token=submission_token).first()
            if earlier is not None:
                raise DuplicateSubmission(earlier) from None
        raise
    except BaseException:
        _remove_files(written)
        raise
    return report


def _remove_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - logged, the integrity check finds leftovers
            log.warning("could not remove %s after a failed submission", name)


def pending_photo_store(*, form_token: UUID, photo: ProcessedPhoto, original_name: str) -> PendingPhoto:
    """Keep a valid photo for a form that still has errors elsewhere."""
    pending_photos_purge()
    name = default_storage.save(f"pending/{form_token.hex}.jpg", ContentFile(photo.content))
    try:
        return PendingPhoto.objects.create(
            form_token=form_token,
            file=name,
            original_name=original_name[:120],
            width=photo.width,
            height=photo.height,
            size=len(photo.content),
        )
    except BaseException:
        _remove_files([name])
        raise


def pending_photos_purge(*, older_than: timedelta = PENDING_PHOTO_LIFETIME) -> int:
    """Remove photos of forms that were never sent."""
    stale = list(PendingPhoto.objects.filter(created_at__lt=timezone.now() - older_than)[:200])
    for item in stale:
        _remove_files([item.file.name])
    PendingPhoto.objects.filter(pk__in=[p.pk for p in stale]).delete()
    return len(stale)


def pending_photo_discard(*, form_token: UUID, public_ids: Sequence[Any]) -> None:
    doomed = list(PendingPhoto.objects.filter(form_token=form_token, public_id__in=list(public_ids)))
    _remove_files([p.file.name for p in doomed])
    PendingPhoto.objects.filter(pk__in=[p.pk for p in doomed]).delete()
