"""Consistency checks between the report tables and the photo files, for `balai integrity` after a crash or
restore (registered in module.py; balai.platform.integrity runs every module's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from balai.core.registry import ORPHAN_FILE, Finding

from .models import PendingPhoto, Report, ReportEvent, ReportPhoto
from .services import pending_photo_lifetime

PHOTO_FOLDER = "laporan"
# report_submit writes a photo's file a moment before its row is committed: a younger file is not an orphan yet.
ORPHAN_GRACE = timedelta(minutes=10)

REPORT_WITHOUT_EVENT = "report-without-event"
EVENT_WITHOUT_REPORT = "event-without-report"
PHOTO_FILE_MISSING = "photo-file-missing"
STALE_PENDING_PHOTO = "stale-pending-photo"
PHOTO_COUNT_MISMATCH = "photo-count-mismatch"
STATUS_MISMATCH = "status-mismatch"


def reports_without_events() -> list[Finding]:
    """Every report is created with its first event in one transaction; one without is half-written."""
    rows = Report.objects.filter(events__isnull=True).order_by("pk").values_list("pk", "code")
    return [Finding(REPORT_WITHOUT_EVENT, str(pk), f"report id={pk} code={code} has no event") for pk, code in rows]


def events_without_report() -> list[Finding]:
    """Events pointing at a report that does not exist (only possible if foreign keys were off or bypassed)."""
    quote = connection.ops.quote_name
    event, report = quote(ReportEvent._meta.db_table), quote(Report._meta.db_table)
    # Raw SQL on purpose: the ORM would trust the foreign key and join the rows away.
    sql = (
        f"SELECT e.id, e.report_id FROM {event} e LEFT JOIN {report} r ON r.id = e.report_id "  # noqa: S608 - table names only
        "WHERE r.id IS NULL ORDER BY e.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return [
        Finding(EVENT_WITHOUT_REPORT, str(pk), f"event id={pk} points at report id={report_id}, which does not exist")
        for pk, report_id in rows
    ]


def photos_without_file(storage: Storage | None = None) -> list[Finding]:
    storage = storage or default_storage
    found = []
    rows = ReportPhoto.objects.order_by("pk").values_list("pk", "report_id", "report__code", "file")
    for pk, report_id, code, name in rows.iterator(chunk_size=2000):
        if not name or not storage.exists(name):
            found.append(
                Finding(
                    PHOTO_FILE_MISSING,
                    str(pk),
                    f"photo id={pk} of report id={report_id} code={code}: file {name!r} is missing",
                )
            )
    return found


def _files_under(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files_under(storage, f"{folder}/{sub}")


def orphan_files(*, storage: Storage | None = None, grace: timedelta = ORPHAN_GRACE) -> list[Finding]:
    """Files in the photo folder that no photo row references, older than `grace`."""
    storage = storage or default_storage
    referenced = set(ReportPhoto.objects.values_list("file", flat=True))
    cutoff = timezone.now() - grace
    found = []
    for name in sorted(_files_under(storage, PHOTO_FOLDER)):
        if name in referenced:
            continue
        if grace and storage.get_modified_time(name) > cutoff:
            continue
        found.append(Finding(ORPHAN_FILE, name, f"file {name} belongs to no photo"))
    return found


def stale_pending_photos(*, older_than: timedelta | None = None) -> list[Finding]:
    """Photos kept for a form that was never sent, an hour past their lifetime: the worker's periodic purge
    (every five minutes) should have removed them, so finding one means the worker is not running."""
    if older_than is None:
        older_than = pending_photo_lifetime() + timedelta(hours=1)
    rows = (
        PendingPhoto.objects.filter(created_at__lt=timezone.now() - older_than)
        .order_by("pk")
        .values_list("pk", "created_at", "file")
    )
    return [
        Finding(
            STALE_PENDING_PHOTO, str(pk), f"pending photo id={pk} ({name}) is left over from {created:%Y-%m-%d %H:%M}"
        )
        for pk, created, name in rows
    ]


def photo_count_mismatches() -> list[Finding]:
    rows = (
        Report.objects.annotate(
            photos_found=Count("photos"), hidden_found=Count("photos", filter=Q(photos__is_hidden=True))
        )
        .exclude(photo_count=F("photos_found"), hidden_photo_count=F("hidden_found"))
        .order_by("pk")
        .values_list("pk", "code", "photo_count", "photos_found", "hidden_photo_count", "hidden_found")
    )
    return [
        Finding(
            PHOTO_COUNT_MISMATCH,
            str(pk),
            f"report id={pk} code={code} counts {counted} photos but has {actual}"
            + (f", counts {hidden} hidden but has {hidden_actual}" if hidden != hidden_actual else ""),
        )
        for pk, code, counted, actual, hidden, hidden_actual in rows
    ]


def status_mismatches() -> list[Finding]:
    """Reports whose status is not where their last status change (an event with a to_status) left them."""
    latest = (
        ReportEvent.objects.filter(report=OuterRef("pk"))
        .exclude(to_status="")
        .order_by("-created_at", "-id")
        .values("to_status")[:1]
    )
    rows = (
        # Reports without any event have a check of their own.
        Report.objects.filter(Exists(ReportEvent.objects.filter(report=OuterRef("pk"))))
        .annotate(last_status=Subquery(latest))
        .order_by("pk")
        .values_list("pk", "code", "status", "last_status")
    )
    return [
        Finding(
            STATUS_MISMATCH,
            str(pk),
            f"report id={pk} code={code} is {status!r} but its last status event says {last!r}",
        )
        for pk, code, status, last in rows
        if status != last
    ]


def find_problems(*, storage: Storage | None = None, orphan_grace: timedelta = ORPHAN_GRACE) -> list[Finding]:
    """Every check of the reporting module, in a fixed order."""
    return [
        *reports_without_events(),
        *events_without_report(),
        *photos_without_file(storage),
        *orphan_files(storage=storage, grace=orphan_grace),
        *stale_pending_photos(),
        *photo_count_mismatches(),
        *status_mismatches(),
    ]
