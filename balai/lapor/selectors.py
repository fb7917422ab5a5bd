"""Reads for reports. Public reads can never return rahasia reports or anybody's identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

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
    qs = Report.objects.public().select_related("category", "kecamatan", "kelurahan")
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
