"""Reads for reports. Public reads can never return rahasia reports or anybody's identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Value

from balai.core.models import Role
from balai.core.selectors import user_memberships

from .models import Category, Report, ReportEvent, ReportPhoto, Status


@dataclass(frozen=True)
class PublicFilters:
    status: str = ""
    category: str = ""
    kecamatan: str = ""
    q: str = ""


def reports_public(filters: PublicFilters | None = None) -> QuerySet[Report]:
    """Reports for public pages; only the fields a public page may show are loaded."""
    # The same condition once more as an equality: `public()` says `NOT is_confidential`, which SQLite cannot
    # match to the report_public_recent index, so every list page scanned and sorted the whole table.
    qs = (
        Report.objects.public()
        .filter(is_confidential=Value(False))
        .select_related("category", "kecamatan", "kelurahan")
    )
    qs = qs.only(
        "code", "title", "status", "kind", "created_at", "updated_at", "photo_count", "is_confidential",
        "category__name", "category__slug", "kecamatan__code", "kecamatan__name", "kelurahan__code", "kelurahan__name",
    )  # fmt: skip
    if filters:
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.category:
            qs = qs.filter(category__slug=filters.category)
        if filters.kecamatan:
            qs = qs.filter(kecamatan_id=filters.kecamatan)
        if filters.q:
            qs = qs.filter(
                Q(title__icontains=filters.q) | Q(description__icontains=filters.q) | Q(code__iexact=filters.q)
            )
    return qs


def report_public_get(code: str) -> Report | None:
    return (
        Report.objects.public()
        .select_related("category", "kecamatan", "kelurahan", "lead_unit")
        .filter(code=code)
        .first()
    )


def report_by_code_for_tracking(code: str) -> Report | None:
    """The holder of a tracking code may follow the report, rahasia or not (the public timeline only)."""
    return Report.objects.select_related("category", "kecamatan", "kelurahan", "lead_unit").filter(code=code).first()


def report_public_events(report: Report) -> list[ReportEvent]:
    return list(report.events.filter(is_public=True).order_by("created_at", "id"))


def report_public_photos(report: Report) -> list[ReportPhoto]:
    return list(report.photos.all())


def public_counts() -> dict[str, int]:
    counts = Report.objects.public().aggregate(
        total=Count("id"),
        finished=Count("id", filter=Q(status=Status.SELESAI)),
        in_progress=Count("id", filter=Q(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES, Status.DIVERIFIKASI])),
    )
    return {k: v or 0 for k, v in counts.items()}


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("default_unit")


def photo_visible_to(photo: ReportPhoto, user: Any) -> bool:
    """Photos of public reports are public; otherwise staff of the Pemda's coordinating roles or the handling OPD."""
    report = photo.report
    if not report.is_confidential and report.status != Status.DIARSIPKAN:
        return True
    for membership in user_memberships(user):
        if membership.role in (Role.KOORDINATOR, Role.ADMIN_SISTEM, Role.PIMPINAN):
            return True
        if membership.role == Role.OPERATOR and membership.unit_id == report.lead_unit_id:
            return True
    return False


# --- staff ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    kecamatan: str = ""
    unit: str = ""
    due: str = ""


def deadline_expression() -> Any:
    """The deadline that matters now: verification before dispatch, follow-up after."""
    from django.db.models.functions import Coalesce

    return Coalesce("due_at", "verify_due_at")


def staff_inbox(scope: Any, filters: InboxFilters, *, now: Any, soon: Any) -> QuerySet[Report]:
    """Reports this staff member works on, most urgent deadline first; one query per page whatever the size."""
    from .access import reports_visible_to
    from .models import OPEN_STATUSES

    qs = reports_visible_to(scope).select_related("category", "kecamatan", "kelurahan", "lead_unit")
    if filters.status == "all":
        pass
    elif filters.status:
        qs = qs.filter(status=filters.status)
    elif scope.sees_all:
        qs = qs.filter(status__in=OPEN_STATUSES)
    else:
        qs = qs.filter(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES])
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.kecamatan:
        qs = qs.filter(kecamatan_id=filters.kecamatan)
    if filters.unit == "none":
        qs = qs.filter(lead_unit__isnull=True)
    elif filters.unit:
        qs = qs.filter(lead_unit__slug=filters.unit)
    if filters.q:
        qs = qs.filter(
            Q(code__iexact=filters.q) | Q(title__icontains=filters.q) | Q(public_title__icontains=filters.q)
            | Q(description__icontains=filters.q)
        )  # fmt: skip
    deadline = deadline_expression()
    qs = qs.annotate(deadline=deadline)
    if filters.due == "overdue":
        qs = qs.filter(deadline__lt=now)
    elif filters.due == "soon":
        qs = qs.filter(deadline__gte=now, deadline__lte=soon)
    return qs.order_by(deadline.asc(nulls_last=True), "created_at")


def my_work(scope: Any, *, now: Any, soon: Any) -> dict[str, int]:
    """What needs this person today, as counts for the 'my work' page (one aggregate query)."""
    from .access import reports_visible_to
    from .models import OPEN_STATUSES

    # Every count below is of open reports: saying so lets the database use the status indexes
    # instead of reading every report ever received.
    qs = reports_visible_to(scope).filter(status__in=OPEN_STATUSES)
    return {
        k: v or 0
        for k, v in qs.aggregate(
            to_verify=Count("id", filter=Q(status=Status.DITERIMA)),
            verify_overdue=Count("id", filter=Q(status=Status.DITERIMA, verify_due_at__lt=now)),
            waiting_reporter=Count("id", filter=Q(status=Status.DITUNDA)),
            to_dispatch=Count("id", filter=Q(status=Status.DIVERIFIKASI)),
            to_accept=Count("id", filter=Q(status=Status.DIDISPOSISIKAN)),
            in_progress=Count("id", filter=Q(status=Status.DIPROSES)),
            overdue=Count("id", filter=Q(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES], due_at__lt=now)),
            due_soon=Count(
                "id", filter=Q(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES], due_at__gte=now, due_at__lte=soon)
            ),
        ).items()
    }


DUPLICATE_DAYS = 14
DUPLICATE_DEGREES = 0.005  # about 500 m


def duplicate_candidates(report: Report, limit: int = 5) -> list[Report]:
    """Open reports of the same category close in place and time: likely the same problem."""
    from datetime import timedelta

    from .models import OPEN_STATUSES

    window = Q(created_at__gte=report.created_at - timedelta(days=DUPLICATE_DAYS)) & Q(
        created_at__lte=report.created_at + timedelta(days=DUPLICATE_DAYS)
    )
    qs = Report.objects.filter(window, category_id=report.category_id, status__in=OPEN_STATUSES).exclude(pk=report.pk)
    if report.latitude is not None and report.longitude is not None:
        near = Q(
            latitude__range=(report.latitude - _deg(), report.latitude + _deg()),
            longitude__range=(report.longitude - _deg(), report.longitude + _deg()),
        )
        qs = qs.filter(near | Q(kelurahan_id=report.kelurahan_id, latitude__isnull=True))
    else:
        qs = qs.filter(kelurahan_id=report.kelurahan_id)
    return list(qs.select_related("kelurahan").order_by("created_at")[:limit])


def _deg() -> Any:
    from decimal import Decimal

    return Decimal(str(DUPLICATE_DEGREES))


def staff_events(report: Report) -> list[ReportEvent]:
    return list(report.events.select_related("actor").order_by("created_at", "id"))
