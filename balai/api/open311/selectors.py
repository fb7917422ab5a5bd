"""Reads for Open311: services, and the service requests the public may see (never rahasia, never contacts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, JSONField, Max, OuterRef, QuerySet, Subquery

from balai.api.models import ApiClient
from balai.core.models import Pemda
from balai.lapor.models import (
    OPEN_STATUSES,
    Category,
    CategoryQuestion,
    EventKind,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
)

CLOSED_STATUSES = [s for s in Status.values if s not in OPEN_STATUSES]

# Only what a request document shows; the reporter's fields are never even loaded.
_REQUEST_FIELDS = (
    "code", "status", "is_confidential", "description", "public_description", "address", "latitude", "longitude",
    "media_url", "created_at", "updated_at", "due_at", "kelurahan", "kecamatan", "category", "lead_unit",
    "category__name", "category__slug", "kelurahan__code", "kelurahan__name", "kelurahan__level",
    "kecamatan__code", "kecamatan__name", "kecamatan__level", "lead_unit__name",
)  # fmt: skip


def services_active() -> QuerySet[Category]:
    """Active categories with `o311_metadata`: whether they have extra questions."""
    questions = CategoryQuestion.objects.filter(category=OuterRef("pk"), is_active=True)
    return (
        Category.objects.filter(is_active=True)
        .select_related("default_unit")
        .annotate(o311_metadata=Exists(questions))
        .order_by("order", "name")
    )


def service_get(code: str) -> Category | None:
    return Category.objects.filter(is_active=True, slug=code).first()


def service_questions(category: Category) -> list[CategoryQuestion]:
    return list(category.questions.filter(is_active=True).order_by("order", "id"))


def services_changeset(pemda: Pemda) -> datetime:
    """When the list of services or their questions last changed (the discovery document's changeset)."""
    stamps = [
        Category.objects.aggregate(at=Max("updated_at"))["at"],
        CategoryQuestion.objects.aggregate(at=Max("updated_at"))["at"],
        pemda.updated_at,
    ]
    return max(s for s in stamps if s is not None)


def service_requests_visible(client: ApiClient | None = None) -> QuerySet[Report]:
    """Reports Open311 may show, newest first, with what the documents need in one query.

    The public rule of Balai's own pages (`Report.objects.public()`: published, never rahasia, never archived);
    the client that sent a report still sees it once it is archived, so an app is told it was closed instead of finding it gone.
    """
    visible = Report.objects.public()
    if client is not None:
        visible = visible | Report.objects.filter(api_client=client, is_confidential=False, status=Status.DIARSIPKAN)
    public_events = ReportEvent.objects.filter(report=OuterRef("pk"), is_public=True).order_by("-created_at", "-id")
    notes = public_events.filter(kind__in=[EventKind.STATUS, EventKind.RESPONSE]).exclude(note="", code="")
    photos = ReportPhoto.objects.filter(report=OuterRef("pk"), is_hidden=False).order_by("position", "id")
    return (
        visible.select_related("category", "kelurahan", "kecamatan", "lead_unit")
        .only(*_REQUEST_FIELDS)
        .annotate(
            o311_note=Subquery(notes.values("note")[:1]),
            o311_code=Subquery(notes.values("code")[:1]),
            o311_params=Subquery(notes.values("params")[:1], output_field=JSONField()),
            o311_updated=Subquery(public_events.values("created_at")[:1]),
            o311_photo=Subquery(photos.values("public_id")[:1]),
        )
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class RequestFilters:
    codes: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def service_requests_search(filters: RequestFilters, client: ApiClient | None = None) -> QuerySet[Report]:
    """The spec's search: ids override every other filter."""
    qs = service_requests_visible(client)
    if filters.codes:
        return qs.filter(code__in=filters.codes)
    if filters.service_codes:
        qs = qs.filter(category__slug__in=filters.service_codes)
    if filters.start is not None:
        qs = qs.filter(created_at__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(created_at__lte=filters.end)
    wanted = set(filters.statuses)
    if wanted == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif wanted == {"closed"}:
        qs = qs.filter(status__in=CLOSED_STATUSES)
    return qs


def service_codes_known(codes: tuple[str, ...]) -> set[str]:
    """Which of these are the code of a category, active or not (old reports keep their category)."""
    return set(Category.objects.filter(slug__in=codes).values_list("slug", flat=True))
