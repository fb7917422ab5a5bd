"""A new report, from any channel (web, API, Open311, email, staff on behalf of a walk-in), and the photos a
form keeps while its other fields still have errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from balai.core.models import Pemda, PublishReports, Wilayah
from balai.core.selectors import kelurahan_at, pemda_current, work_calendar
from balai.core.services import Actor, audit_record
from balai.lib.text import clean_text

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
from ..ratelimit import SubmitBucket, submit_slot_take
from . import _steps as step

log = logging.getLogger(__name__)


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

    def __post_init__(self) -> None:
        # Every channel builds one of these: the one place where free text is cleaned (balai.lib.text).
        for name in ("title", "address", "reporter_name"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))
        object.__setattr__(self, "description", clean_text(self.description, multiline=True))
        object.__setattr__(self, "answers", {key: _clean_answer(value) for key, value in self.answers.items()})


def _clean_answer(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value, multiline=True)
    if isinstance(value, list):
        return [_clean_answer(item) for item in value]
    return value


class DuplicateSubmission(Exception):  # noqa: N818 - it is a signal, not an error
    """The same form was submitted before; `report` is what the first submission created."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.code)
        self.report = report

    def same_browser(self, browser_hash: str) -> bool:
        """Whether the retry comes from the browser that sent the first submission (not merely with its token)."""
        stored = self.report.submission_browser
        return bool(stored) and bool(browser_hash) and constant_time_compare(stored, browser_hash)


def submission_browser_hash(cookie_value: str) -> str:
    """What a report keeps of its browser's form cookie: a keyed hash, so the database never holds the value."""
    if not cookie_value:
        return ""
    return salted_hmac("balai.lapor.submission-browser", cookie_value, algorithm="sha256").hexdigest()


def photo_file_name(folder: str, public_id: UUID, now: datetime) -> str:
    """A photo's storage name: its folder, the month and its public id; nothing a secret could be read from."""
    return f"{folder}/{now:%Y/%m}/{public_id.hex}.jpg"


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
    submission_browser: str = "",
    pemda: Pemda | None = None,
    api_client: Any = None,
    in_transaction: Callable[[Report], None] | None = None,
    rate_bucket: SubmitBucket | None = None,
) -> Report:
    """Store a new report with its photos and first event, and queue the confirmation email.

    All or nothing: if anything fails, no row is kept and the photo files written are removed.
    A second call with the same submission token raises DuplicateSubmission with the first report.
    `submission_browser` (`submission_browser_hash` of the sending browser's cookie) is kept with the report, so
    that a replay of the token can be told apart from a retry of the same browser (`DuplicateSubmission.same_browser`).
    `rate_bucket`: the sender's allowance, counted first in the report's transaction (SubmissionLimited when it
    is used up; the rollback gives the count back if the report is not written). `in_transaction` runs last
    inside the report's transaction.
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
    # Files are named by the photo's public id, never by the tracking code or the form token (both are secrets).
    public_ids = [uuid4() for _photo in photos]
    try:
        # The new photos' files are written before the transaction too (removed again if it fails).
        for public_id, photo in zip(public_ids, photos, strict=True):
            written.append(default_storage.save(photo_file_name("laporan", public_id, now), ContentFile(photo.content)))
        with transaction.atomic():
            submit_slot_take(rate_bucket)
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
                submission_browser=submission_browser,
                photo_count=len(photos) + len(pending),
                language=data.language,
                answers=data.answers,
                media_url=data.media_url,
                api_client=api_client,
                # Otherwise a coordinator's verification publishes it (coordinator.report_verify).
                published_at=now if pemda.publish_reports == PublishReports.ON_ARRIVAL else None,
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
            for photo, name, public_id in zip(photos, written, public_ids, strict=True):
                step.add_photo(report, photo, name=name, public_id=public_id, position=position)
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
                changes={
                    "channel": channel,
                    "category": data.category.slug,
                    "photos": report.photo_count,
                    "published": report.published_at is not None,
                },
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


@dataclass(frozen=True)
class PendingKept:
    """The pending photos a form now has, and how many new valid photos were not kept (a cap was reached)."""

    photos: list[PendingPhoto]
    refused: int


def pending_photos_keep(
    *,
    form_token: UUID,
    photos: Sequence[tuple[str, ProcessedPhoto]],
    keep: Collection[str],
    client_address: str | None,
    allowed: bool = True,
) -> PendingKept:
    """Keep the valid photos of a form that still has errors, within the caps; drop the ones the person unticked.

    Caps: PHOTO_MAX_COUNT per form token (a form can attach no more), PHOTO_PENDING_PER_ADDRESS per client
    address and PHOTO_PENDING_MAX_MB for all pending photos together. A photo over a cap, or any when `allowed`
    is False (the address posted too many invalid forms with photos), is not kept: the person chooses it again.
    """
    current = list(PendingPhoto.objects.filter(form_token=form_token))
    unticked = [p.public_id for p in current if str(p.public_id) not in keep]
    if unticked:
        pending_photo_discard(form_token=form_token, public_ids=unticked)
    kept = [p for p in current if str(p.public_id) in keep]
    if not photos:
        return PendingKept(kept, 0)
    if not allowed:
        return PendingKept(kept, len(photos))
    from_address = (
        PendingPhoto.objects.filter(client_address=client_address).count() if client_address is not None else 0
    )
    total_bytes = PendingPhoto.objects.aggregate(total=Sum("size"))["total"] or 0
    refused = 0
    for name, photo in photos:
        if (
            len(kept) >= settings.PHOTO_MAX_COUNT
            or from_address >= settings.PHOTO_PENDING_PER_ADDRESS
            or total_bytes + len(photo.content) > settings.PHOTO_PENDING_MAX_MB * 1024 * 1024
        ):
            refused += 1
            continue
        kept.append(pending_photo_store(form_token=form_token, photo=photo, original_name=name,
                                        client_address=client_address))  # fmt: skip
        from_address += 1
        total_bytes += len(photo.content)
    return PendingKept(kept, refused)


def pending_photo_store(
    *, form_token: UUID, photo: ProcessedPhoto, original_name: str, client_address: str | None = None
) -> PendingPhoto:
    """Keep a valid photo for a form that still has errors elsewhere (callers check the caps first)."""
    public_id = uuid4()
    name = default_storage.save(photo_file_name("pending", public_id, timezone.now()), ContentFile(photo.content))
    try:
        return PendingPhoto.objects.create(
            public_id=public_id,
            form_token=form_token,
            file=name,
            original_name=original_name[:120],
            width=photo.width,
            height=photo.height,
            size=len(photo.content),
            client_address=client_address,
        )
    except BaseException:
        _remove_files([name])
        raise


def pending_photo_lifetime() -> timedelta:
    return timedelta(hours=settings.PHOTO_PENDING_HOURS)


def pending_photos_purge(*, older_than: timedelta | None = None, batch: int = 500, batches: int = 20) -> int:
    """Remove photos of forms that were never sent (the worker runs this every five minutes): at most
    `batch` × `batches` a run, so one run stays short; the next run takes the rest."""
    cutoff = timezone.now() - (older_than if older_than is not None else pending_photo_lifetime())
    removed = 0
    for _round in range(batches):
        stale = list(PendingPhoto.objects.filter(created_at__lt=cutoff).order_by("pk")[:batch])
        if not stale:
            break
        _remove_files([item.file.name for item in stale])
        PendingPhoto.objects.filter(pk__in=[p.pk for p in stale]).delete()
        removed += len(stale)
    return removed


def pending_photo_discard(*, form_token: UUID, public_ids: Sequence[Any]) -> None:
    doomed = list(PendingPhoto.objects.filter(form_token=form_token, public_id__in=list(public_ids)))
    _remove_files([p.file.name for p in doomed])
    PendingPhoto.objects.filter(pk__in=[p.pk for p in doomed]).delete()
