"""The reports of the command-center map: the newest points a reader may see, fast at a million reports.

Each status is read on its own, newest first, through the `(status, created_at)` index, and the streams are
merged here: a single `status IN (…) ORDER BY created_at` would make the database sort every matching report
(PostgreSQL and SQLite cannot read several ranges of one index in order). How many reports match is counted
only up to `COUNT_CAP`, so no request ever counts the whole table.

Measured on 1,000,000 generated reports (`bench.generate`): see `docs/dasbor-map.md`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from balai.lapor.access import reports_visible_to
from balai.lapor.models import DISPATCHED_STATUSES, OPEN_STATUSES, Report, Status

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
    """Reports with a place that the reader may see and the filters keep (any status; the caller splits them)."""
    qs = reports_visible_to(dash.staff).filter(latitude__isnull=False)
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.kecamatan:
        qs = qs.filter(kecamatan_id=filters.kecamatan)
    if filters.unit == "none":
        qs = qs.filter(lead_unit__isnull=True)
    elif filters.unit:
        qs = qs.filter(lead_unit__slug=filters.unit)
    if filters.period:
        qs = qs.filter(created_at__gte=now - timedelta(days=filters.period))
    if filters.group == "overdue":
        qs = qs.filter(Q(due_at__lt=now) | Q(due_at__isnull=True, verify_due_at__lt=now))
    return qs


def group_statuses(dash: DashboardScope, group: str) -> tuple[str, ...]:
    """The statuses a group covers for this reader: an OPD never sees a report before it is dispatched."""
    statuses = GROUP_STATUSES[group]
    if dash.whole_pemda:
        return statuses
    return tuple(s for s in statuses if s in DISPATCHED_STATUSES)


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


def _newest(streams: Iterable[Iterator[tuple[Any, ...]]], limit: int) -> list[tuple[Any, ...]]:
    """The `limit` newest rows of streams that are each newest first."""
    merged = heapq.merge(*streams, key=lambda row: row[9], reverse=True)
    return [row for _, row in zip(range(limit), merged, strict=False)]


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

    One query per status of the group (at most eight), plus one capped count when the points are capped.
    """
    statuses = group_statuses(dash, filters.group)
    base = _matching(dash, filters, now=now)
    streams = [
        # By created_at alone, which the index holds in order: adding "-id" made SQLite sort each part again.
        iter(base.filter(status=status).order_by("-created_at").values_list(*_COLUMNS)[: limit + 1])
        for status in statuses
    ]
    rows = _newest(streams, limit + 1)
    capped = len(rows) > limit
    total, at_least = min(len(rows), limit), False
    if capped:
        matching = base.filter(status=statuses[0]) if len(statuses) == 1 else base.filter(status__in=statuses)
        total = matching.order_by()[:count_cap].count()
        at_least = total >= count_cap
    points = [_point(row, now=now, soon=soon) for row in rows[:limit]]
    return MapResult(points=points, capped=capped, total=total, total_at_least=at_least)


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
