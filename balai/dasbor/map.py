"""The reports of the command-center map: the newest points a reader may see, fast at a million reports.

The newest points come from one query that the database answers by reading indexes in date order and
stopping at the limit (see `_newest_first`); how many reports match is counted only up to `COUNT_CAP`, so no
request ever counts, or sorts, the whole table.

Plans and timings on 1,000,000 generated reports: `docs/dasbor.md`, "The map".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import F, Q, QuerySet

from balai.core.models import Unit
from balai.lapor.access import reports_visible_to
from balai.lapor.models import DISPATCHED_STATUSES, OPEN_STATUSES, Category, Report, Status

from .access import DashboardScope

MAP_LIMIT = 3000  # markers a phone still draws smoothly once clustered
LIST_LIMIT = 50  # the list under the map, and the page without JavaScript
COUNT_CAP = 10_000  # beyond this the page says "more than 10,000"
TITLE_LENGTH = 80

GROUPS = ("open", "overdue", "finished", "all")
PERIODS = (30, 90, 365)
ALL_STATUSES = tuple(Status.values)
GROUP_STATUSES: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    # A report waiting for its reporter's answer is paused, not late.
    "overdue": tuple(s for s in OPEN_STATUSES if s != Status.DITUNDA),
    "finished": (Status.SELESAI,),
    "all": ALL_STATUSES,
}
# What a marker looks like: the colour class of each status (overdue open reports are `late` whatever their status).
STATUS_CLASS: dict[str, str] = {
    Status.DITERIMA: "new",
    Status.DITUNDA: "new",
    Status.DIVERIFIKASI: "new",
    Status.DIDISPOSISIKAN: "opd",
    Status.DIPROSES: "opd",
    Status.SELESAI: "done",
    Status.BUKAN_WEWENANG: "closed",
    Status.DIARSIPKAN: "closed",
}
# The glyph on each kind of marker, so that colour is never the only sign.
MARKER_GLYPHS: dict[str, str] = {"late": "!", "new": "+", "opd": "›", "done": "✓", "closed": "×"}


@dataclass(frozen=True)
class MapFilters:
    group: str = "open"
    category: str = ""  # Category.slug
    unit: str = ""  # Unit.slug of the lead OPD, or "none" for reports not dispatched yet
    kecamatan: str = ""  # Wilayah.code
    period: int | None = None  # created in the last N days


@dataclass(frozen=True)
class MapPoint:
    code: str
    latitude: Decimal
    longitude: Decimal
    status: str
    title: str
    due: str  # "over", "soon", "paused" or "" (closed, or no deadline yet)
    confidential: bool
    created_at: datetime
    kelurahan_id: str
    deadline: datetime | None  # the deadline that matters now: verification, then follow-up

    @property
    def marker(self) -> str:
        return "late" if self.due == "over" else STATUS_CLASS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def glyph(self) -> str:
        return MARKER_GLYPHS[self.marker]

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    def as_row(self) -> list[Any]:
        """The compact JSON form, in the order of `POINT_FIELDS`."""
        return [
            self.code, float(self.latitude), float(self.longitude), self.status, self.marker, self.title,
            self.due, self.confidential,
        ]  # fmt: skip


POINT_FIELDS = ("code", "lat", "lng", "status", "marker", "title", "due", "confidential")


@dataclass(frozen=True)
class MapResult:
    points: list[MapPoint]
    capped: bool  # more reports match than `points` holds
    total: int  # how many match: exact, or the count cap when there are at least that many
    total_at_least: bool  # `total` is a floor ("more than 10,000")


_COLUMNS = (
    "code", "latitude", "longitude", "status", "title", "public_title", "due_at", "verify_due_at",
    "is_confidential", "created_at", "kelurahan_id",
)  # fmt: skip


def _matching(dash: DashboardScope, filters: MapFilters, *, now: datetime) -> QuerySet[Report]:
    """Reports with a place that the reader may see and the filters keep (any status: see `group_statuses`)."""
    qs = reports_visible_to(dash.staff).filter(latitude__isnull=False)
    if filters.category:
        # The id, not a join on the slug, so that the planner sees which index fits. With a kecamatan the
        # `(kecamatan, status, created_at)` index is the one to read: "+ 0" keeps SQLite from preferring the
        # category's, which made it read the whole category once per status.
        category_id = Category.objects.filter(slug=filters.category).values_list("id", flat=True).first()
        if category_id is None:
            return qs.none()
        if filters.kecamatan:
            qs = qs.alias(category_plus_0=F("category_id") + 0).filter(category_plus_0=category_id)
        else:
            qs = qs.filter(category_id=category_id)
    if filters.kecamatan:
        qs = qs.filter(kecamatan_id=filters.kecamatan)
    if filters.unit == "none":
        qs = qs.filter(lead_unit__isnull=True)
    elif filters.unit:
        unit_id = Unit.objects.filter(slug=filters.unit).values_list("id", flat=True).first()
        if unit_id is None:
            return qs.none()
        qs = qs.filter(lead_unit_id=unit_id)
    if filters.period:
        qs = qs.filter(created_at__gte=now - timedelta(days=filters.period))
    if filters.group == "overdue":
        qs = qs.filter(Q(due_at__lt=now) | Q(due_at__isnull=True, verify_due_at__lt=now))
    return qs


def group_statuses(dash: DashboardScope, filters: MapFilters) -> tuple[str, ...]:
    """The statuses the map reads for this reader and these filters.

    A report has a lead OPD exactly while it is dispatched (returning it clears it): an OPD reader, or an OPD
    filter, only ever matches dispatched statuses, and "not dispatched yet" only the others. Saying so keeps
    the database from reading statuses that cannot match.
    """
    statuses = GROUP_STATUSES[filters.group]
    if not dash.whole_pemda or (filters.unit and filters.unit != "none"):
        return tuple(s for s in statuses if s in DISPATCHED_STATUSES)
    if filters.unit == "none":
        return tuple(s for s in statuses if s not in DISPATCHED_STATUSES)
    return statuses


def _due_state(status: str, due_at: datetime | None, verify_due_at: datetime | None, now: datetime,
               soon: datetime) -> str:  # fmt: skip
    if status not in OPEN_STATUSES:
        return ""
    if status == Status.DITUNDA:
        return "paused"
    deadline = due_at or verify_due_at
    if deadline is None:
        return ""
    if deadline < now:
        return "over"
    return "soon" if deadline <= soon else ""


def _newest_first(
    base: QuerySet[Report], statuses: tuple[str, ...], filters: MapFilters, limit: int
) -> list[tuple[Any, ...]]:
    """The `limit` newest matching reports, read from indexes in date order, never sorted in full.

    With a category (and no kecamatan) the `(category, created_at)` index gives that order directly. Otherwise
    each status is read through an index that starts with it (`(status, created_at)`, or with a kecamatan
    `(kecamatan, status, created_at)`), and the parts are joined by UNION ALL under one ORDER BY … LIMIT: a
    plain `status IN (…) ORDER BY created_at` would make the database sort every matching report.

    SQLite merges the parts as it reads them and stops at the limit ("MERGE (UNION ALL)"). PostgreSQL 15 only
    does so ("Merge Append") when each part carries its own ORDER BY … LIMIT, which SQLite does not accept
    in a compound query: hence the two shapes.
    """
    if base.query.is_empty():  # an unknown category or OPD: nothing to read
        return []
    if filters.category and not filters.kecamatan:
        parts = [base if statuses == ALL_STATUSES else base.filter(status__in=statuses)]
    else:
        parts = [base.filter(status=status) for status in statuses]
    rows = [part.values_list(*_COLUMNS) for part in parts]
    if len(rows) == 1:
        return list(rows[0].order_by("-created_at")[:limit])
    if connections[base.db].features.supports_slicing_ordering_in_compound:
        rows = [part.order_by("-created_at")[:limit] for part in rows]
    else:
        rows = [part.order_by() for part in rows]
    return list(rows[0].union(*rows[1:], all=True).order_by("-created_at")[:limit])


def map_points(
    dash: DashboardScope,
    filters: MapFilters,
    *,
    now: datetime,
    soon: datetime,
    limit: int = MAP_LIMIT,
    count_cap: int = COUNT_CAP,
) -> MapResult:
    """The newest `limit` points for the map, and how many match in all (counted up to `count_cap`).

    One query, plus one capped count when the points are capped.
    """
    statuses = group_statuses(dash, filters)
    if not statuses:
        return MapResult(points=[], capped=False, total=0, total_at_least=False)
    base = _matching(dash, filters, now=now)
    rows = _newest_first(base, statuses, filters, limit + 1)
    capped = len(rows) > limit
    total, at_least = min(len(rows), limit), False
    if capped:
        matching = base.filter(status=statuses[0]) if len(statuses) == 1 else base.filter(status__in=statuses)
        total = _count_up_to(dash, matching, count_cap)
        at_least = total >= count_cap
    points = [_point(row, now=now, soon=soon) for row in rows[:limit]]
    return MapResult(points=points, capped=capped, total=total, total_at_least=at_least)


def _count_up_to(dash: DashboardScope, matching: QuerySet[Report], cap: int) -> int:
    """How many reports match, counted up to `cap` (a COUNT over a LIMIT subquery).

    An OPD's reports are counted in two parts, those it leads and those it supports: the visibility rule's
    "lead OR supporting" cannot use an index, and PostgreSQL would then read the table from the start until
    it had found `cap` reports of a small OPD.
    """
    if dash.whole_pemda:
        return matching.order_by()[:cap].count()
    units = list(dash.units)
    led = matching.filter(lead_unit_id__in=units).order_by()[:cap].count()
    if led >= cap:
        return cap
    supported_ids = Report.supporting_units.through.objects.filter(unit_id__in=units).values("report_id")
    supported = matching.filter(pk__in=supported_ids).exclude(lead_unit_id__in=units).order_by()[: cap - led].count()
    return led + supported


def _point(row: tuple[Any, ...], *, now: datetime, soon: datetime) -> MapPoint:
    code, lat, lng, status, title, public_title, due_at, verify_due_at, confidential, created_at, kelurahan = row
    return MapPoint(
        code=code,
        latitude=lat,
        longitude=lng,
        status=status,
        title=_short(public_title or title),
        due=_due_state(status, due_at, verify_due_at, now, soon),
        confidential=confidential,
        created_at=created_at,
        kelurahan_id=kelurahan,
        deadline=due_at or verify_due_at,
    )


def _short(title: str) -> str:
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"
