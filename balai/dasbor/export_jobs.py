"""Reports built in the background: a reader asks (`export_request`), the worker builds (`build_export`), the reader
downloads when it is ready (`access_export_job`).

The monthly PDF takes seconds to minutes on a large Pemda, so no web request waits for it. A job covers one month
and one scope (the whole Pemda or one OPD); while one is queued or being built, the same request is refused and
the reader is pointed to it. A reader sees and downloads the jobs of the scopes they may read, whoever asked.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Final
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from balai.core.models import Unit
from balai.core.selectors import pemda_current
from balai.core.services import audit_record

from .access import DashboardScope, dashboard_scope
from .models import ExportJob, ExportKind, ExportStatus
from .monthly_report import monthly_report_data
from .report_pdf import build_monthly_pdf

logger = logging.getLogger(__name__)

# A job still "running" after this long lost its worker (a restart, a crash): it is marked failed so that
# the reader may ask again.
STALE_AFTER: Final = dt.timedelta(minutes=30)


class ExportPendingError(Exception):
    """The same report (kind, month, scope) is already queued or being built."""

    def __init__(self, job: ExportJob) -> None:
        super().__init__(f"export {job.public_id} is still {job.status}")
        self.job = job


# --- Reads ----------------------------------------------------------------------------------------------------


def export_jobs_visible_to(dash: DashboardScope) -> QuerySet[ExportJob]:
    jobs = ExportJob.objects.select_related("unit", "requested_by")
    if dash.whole_pemda:
        return jobs
    return jobs.filter(unit_id__in=dash.units)


def access_export_job(dash: DashboardScope, public_id: UUID | str) -> ExportJob:
    """The job if this reader may see its scope; 404 otherwise, so a job of another OPD reveals nothing."""
    job = export_jobs_visible_to(dash).filter(public_id=public_id).first()
    if job is None:
        raise Http404
    return job


def export_scopes_for(dash: DashboardScope) -> list[Unit | None]:
    """What a reader may ask a report for: None (the whole Pemda) for Pemda-wide readers, then their OPD."""
    units = Unit.objects.opd().active().order_by("name")
    if dash.whole_pemda:
        return [None, *units]
    return list(units.filter(pk__in=dash.units))


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def current_month() -> dt.date:
    return first_of_month(timezone.localdate())


# --- Writes ---------------------------------------------------------------------------------------------------


def _fail_stale_jobs(now: dt.datetime) -> None:
    ExportJob.objects.filter(status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=ExportStatus.FAILED,
        error="The worker stopped while building this report.",
        finished_at=now,
        updated_at=now,
    )


def export_request(
    *,
    actor: Any,
    month: dt.date,
    unit: Unit | None,
    kind: str = ExportKind.MONTHLY_PDF,
    language: str | None = None,
    ip: str | None = None,
) -> ExportJob:
    """Queue a report of `month` for `unit` (None: the whole Pemda). Refuses a scope the actor may not read, a
    month in the future, and a second identical job while the first is pending (ExportPendingError)."""
    dash = dashboard_scope(actor)
    if not dash.allowed or (unit is None and not dash.whole_pemda):
        raise PermissionDenied
    if unit is not None and not dash.may_see_unit(unit.pk):
        raise PermissionDenied
    month = first_of_month(month)
    if month > current_month():
        raise ValidationError(_("A report can only be made for this month or an earlier one."))
    now = timezone.now()
    try:
        with transaction.atomic():
            _fail_stale_jobs(now)
            pending = (
                ExportJob.objects.pending().filter(kind=kind, month=month, unit=unit).order_by("created_at").first()
            )
            if pending is not None:
                raise ExportPendingError(pending)
            job = ExportJob(
                kind=kind,
                month=month,
                unit=unit,
                requested_by=actor,
                language=language or translation.get_language() or "id",
            )
            job.full_clean()
            job.save()
            audit_record(
                actor=actor,
                action="dasbor.export_request",
                obj=job,
                changes={"kind": kind, "month": month.isoformat(), "unit": unit.slug if unit else None},
                ip_address=ip,
            )
            public_id = str(job.public_id)
            transaction.on_commit(lambda: build_export.enqueue(public_id))
    except IntegrityError:
        # Two requests raced past the check: the database's partial unique index let one through.
        pending = ExportJob.objects.pending().filter(kind=kind, month=month, unit=unit).first()
        if pending is None:
            raise
        raise ExportPendingError(pending) from None
    return job


# --- The work -------------------------------------------------------------------------------------------------


def monthly_report_pdf(job: ExportJob) -> bytes:
    pemda = pemda_current()
    if pemda is None:
        raise RuntimeError("No Pemda profile is configured.")
    data = monthly_report_data(month=job.month, unit=job.unit)
    return build_monthly_pdf(
        pemda=pemda,
        month=job.month,
        kpis=data.kpis,
        tables=data.tables,
        charts=data.charts,
        scope_label=data.scope_label,
    )


def export_file_name(job: ExportJob) -> str:
    """The name a downloaded report gets: laporan-bulanan-2026-01-kota-bitung.pdf."""
    pemda = pemda_current()
    scope = (job.unit.short_name or job.unit.name) if job.unit else (pemda.short_name if pemda else "pemda")
    return f"laporan-bulanan-{job.month:%Y-%m}-{slugify(scope) or 'pemda'}.pdf"


@task()
def build_export(public_id: str) -> str:
    """Build one queued job; a job already taken by another worker (or done) is left alone."""
    now = timezone.now()
    taken = ExportJob.objects.filter(public_id=public_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, updated_at=now
    )
    if not taken:
        return "skipped"
    job = ExportJob.objects.select_related("unit").get(public_id=public_id)
    try:
        with translation.override(job.language):
            content = monthly_report_pdf(job)
        job.file.save(export_file_name(job), ContentFile(content), save=False)
        job.status = ExportStatus.DONE
        job.error = ""
    except Exception as exc:
        # The job records the failure for the reader; the traceback goes to the log for the administrator.
        logger.exception("export %s failed", public_id)
        job.status = ExportStatus.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "error", "finished_at", "updated_at"])
    return str(job.status)
