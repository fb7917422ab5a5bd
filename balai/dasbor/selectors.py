"""Reads of the command center: KPIs, breakdowns, trends and the OPD ranking, from the summary tables.

Figures over a period sum a few hundred summary cells (`balai.dasbor.summary`); only "open now" and
"overdue now" read the reports, through indexes on status and deadline, so they cost what the backlog costs,
not what the archive costs. Every function takes the reader's reach (`DashboardScope`) or `public=True`,
which keeps to reports that are neither rahasia nor archived.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.models import Unit, UnitKind, Wilayah
from balai.lapor.models import Category, Channel, Status

from . import tables as t
from .access import DashboardScope
from .models import BacklogCell, Dimension, DurationCell, Grain, Measure, PlaceCell, RollupCell, StatCell
from .summary import month_of, week_of

Cells = TypeVar("Cells", StatCell, BacklogCell)
FOLLOW_UP = (Status.DIDISPOSISIKAN, Status.DIPROSES)
AWAITING_VERIFICATION = (Status.DITERIMA,)
BACKLOG = (Status.DITERIMA, Status.DITUNDA, Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DIPROSES)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, from `first` to `last` (both the first day of a month)."""

    first: date
    last: date

    @classmethod
    def months_to(cls, last: date, count: int) -> Period:
        last = month_of(last)
        return cls(first=add_months(last, -(count - 1)), last=last)

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def slug(self) -> str:
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m}_{self.last:%Y-%m}"

    def label(self) -> str:
        if self.first == self.last:
            return t.format_month(self.first)
        return f"{t.format_month(self.first)} – {t.format_month(self.last)}"


@dataclass(frozen=True)
class Filters:
    """Narrow the figures to one OPD, category or kecamatan (any combination)."""

    unit: int | None = None
    category: int | None = None
    kecamatan: str | None = None

    @property
    def empty(self) -> bool:
        return self.unit is None and self.category is None and self.kecamatan is None


@dataclass(frozen=True)
class Reach:
    """Whose reports count: the reader's OPD only, or everything the public may see, or everything."""

    units: frozenset[int] | None = None  # None: every OPD
    public: bool = False

    @classmethod
    def of(cls, dash: DashboardScope) -> Reach:
        return cls(units=None if dash.whole_pemda else dash.units)

    @classmethod
    def everyone(cls) -> Reach:
        return cls(public=True)


@dataclass(frozen=True)
class Kpis:
    received: int = 0
    verified: int = 0
    finished: int = 0
    finished_on_time: int = 0
    reopened: int = 0
    rated: int = 0
    rating_sum: int = 0
    asked_fixed: int = 0
    answered_fixed: int = 0
    said_fixed: int = 0
    verify_median: int | None = None
    verify_p90: int | None = None
    finish_median: int | None = None
    finish_p90: int | None = None
    open_now: int = 0
    overdue_now: int = 0
    verify_overdue_now: int = 0
    percentiles_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sla(self) -> float | None:
        return self.finished_on_time / self.finished if self.finished else None

    @property
    def rating_avg(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def response_rate(self) -> float | None:
        return self.answered_fixed / self.asked_fixed if self.asked_fixed else None

    @property
    def fixed_rate(self) -> float | None:
        return self.said_fixed / self.answered_fixed if self.answered_fixed else None


# --- percentiles ----------------------------------------------------------------------------------


def percentile(histogram: dict[int, int], share: float) -> int | None:
    """Nearest-rank percentile of whole working days: the smallest d with at least `share` of reports ≤ d."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(share * total))
    running = 0
    for days in sorted(histogram):
        running += histogram[days]
        if running >= rank:
            return days
    return max(histogram)  # pragma: no cover - the loop always reaches the rank


def _single_dimension(filters: Filters, reach: Reach) -> tuple[str, str] | None:
    """The one dimension the duration histograms can answer for, or None when the filters cross two."""
    chosen = []
    if filters.unit is not None:
        chosen.append((Dimension.UNIT, str(filters.unit)))
    elif reach.units is not None:
        if len(reach.units) != 1:
            return None
        chosen.append((Dimension.UNIT, str(next(iter(reach.units)))))
    if filters.category is not None:
        chosen.append((Dimension.CATEGORY, str(filters.category)))
    if filters.kecamatan:
        chosen.append((Dimension.KECAMATAN, filters.kecamatan))
    if len(chosen) > 1:
        return None
    return (str(chosen[0][0]), chosen[0][1]) if chosen else (str(Dimension.ALL), "")


def _histograms(
    period: Period, dimension: str, reach: Reach, keys: list[str] | None = None, measure: str | None = None
) -> dict[tuple[str, str], dict[int, int]]:
    qs = DurationCell.objects.filter(dimension=dimension, month__gte=period.first, month__lte=period.last)
    if keys is not None:
        qs = qs.filter(key__in=keys)
    if measure is not None:
        qs = qs.filter(measure=measure)
    if reach.public:
        qs = qs.filter(is_public=True)
    found: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, measure, days, reports in qs.values_list("key", "measure", "days").annotate(n=Sum("reports")):
        found[(key, measure)][days] += reports
    return found


# --- counts ---------------------------------------------------------------------------------------


def _stat_rows(
    *,
    grain: str,
    first: date,
    last: date,
    filters: Filters,
    reach: Reach,
    group: str | None = None,
    by_period: bool = False,
) -> list[dict[str, Any]]:
    """Sums of the count cells between two periods, optionally per `group` dimension and per period.

    A question about at most one dimension (the whole Pemda, one OPD, all OPD side by side, …) reads the
    one-dimension rollups: a few rows per period. Crossing two dimensions reads the full cube.
    """
    wanted: dict[str, list[str]] = {}
    if filters.unit is not None:
        if reach.units is not None and filters.unit not in reach.units:
            return []
        wanted["unit"] = [str(filters.unit)]
    elif reach.units is not None:
        wanted["unit"] = [str(u) for u in reach.units]
    if filters.category is not None:
        wanted["category"] = [str(filters.category)]
    if filters.kecamatan:
        wanted["kecamatan"] = [filters.kecamatan]
    dimensions = set(wanted) | ({group} if group else set())
    period_field = ["period"] if by_period else []
    qs: QuerySet[Any]
    if len(dimensions) <= 1:
        dimension = next(iter(dimensions)) if dimensions else str(Dimension.ALL)
        qs = RollupCell.objects.filter(grain=grain, dimension=dimension, period__gte=first, period__lte=last)
        if reach.public:
            qs = qs.filter(is_public=True)
        if dimension in wanted:
            qs = qs.filter(key__in=wanted[dimension])
        group_field = "key" if group else None
    else:
        qs = _narrow(StatCell.objects.filter(grain=grain, period__gte=first, period__lte=last), filters, reach)
        group_field = BY_FIELD[group] if group else None
    fields = period_field + ([group_field] if group_field else [])
    if not fields:
        return [qs.aggregate(**_sums())]
    rows = list(qs.values(*fields).annotate(**_sums()).order_by())
    if group_field:
        for row in rows:
            value = row.pop(group_field)
            row["group"] = int(value) if group in ("unit", "category") and group_field == "key" else value
    return rows


def _sums() -> dict[str, Any]:
    return {m: Sum(m) for m in StatCell.METRICS}


class OpenNow:
    """The open reports right now within a reach, summed in the database per question the page asks.

    The backlog cells stay few (deadlines long past are folded, `summary.backlog_fold`), so each question is
    one small aggregate; reading the cells themselves into Python cost more than the sums (about 1 µs a row).
    """

    def __init__(self, reach: Reach, today: date) -> None:
        self.reach = reach
        self.today = today

    @classmethod
    def read(cls, reach: Reach, now: datetime | None = None) -> OpenNow:
        return cls(reach, timezone.localdate(now or timezone.now()))

    def _sums(self, filters: Filters, group: str | None) -> list[tuple[Any, ...]]:
        """(group value, status, open, late) rows."""
        qs = _narrow(BacklogCell.objects.all(), filters, self.reach)
        fields = [group, "status"] if group else ["status"]
        rows = qs.values_list(*fields).annotate(
            n=Sum("reports"), late=Coalesce(Sum("reports", filter=Q(deadline__lt=self.today)), 0)
        )
        return [tuple(row) if group else (None, *row) for row in rows.order_by()]

    def totals(self, filters: Filters, by: str | None = None) -> dict[Any, dict[str, int]]:
        """open_now, overdue_now (at an OPD) and verify_overdue_now, per value of `by` (or under None)."""
        out: dict[Any, dict[str, int]] = defaultdict(lambda: {"open_now": 0, "overdue_now": 0, "verify_overdue_now": 0})
        for key, status, n, late in self._sums(filters, BY_FIELD[by] if by else None):
            sums = out[key]
            sums["open_now"] += n
            if status in FOLLOW_UP:
                sums["overdue_now"] += late
            elif status in AWAITING_VERIFICATION:
                sums["verify_overdue_now"] += late
        return out

    def by_status(self, filters: Filters) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for _key, status, n, _late in self._sums(filters, None):
            out[status] += n
        return out


def kpis(
    *, period: Period, filters: Filters, reach: Reach, now: datetime | None = None, open_now: OpenNow | None = None
) -> Kpis:
    now = now or timezone.now()
    sums = _stat_rows(grain=Grain.MONTH, first=period.first, last=period.last, filters=filters, reach=reach)
    totals = sums[0] if sums else {}
    values: dict[str, Any] = {m: totals.get(m) or 0 for m in StatCell.METRICS}
    open_now = open_now or OpenNow.read(reach, now)
    values.update(open_now.totals(filters)[None])
    single = _single_dimension(filters, reach)
    if single is None:
        values["percentiles_note"] = _("Medians are shown for one filter at a time.")
    else:
        found = _histograms(period, single[0], reach, [single[1]])
        verify, finish = found.get((single[1], Measure.VERIFY), {}), found.get((single[1], Measure.FINISH), {})
        values.update(
            verify_median=percentile(verify, 0.5), verify_p90=percentile(verify, 0.9),
            finish_median=percentile(finish, 0.5), finish_p90=percentile(finish, 0.9),
        )  # fmt: skip
    return Kpis(**values)


# --- names ----------------------------------------------------------------------------------------


def _names(by: str, keys: list[Any]) -> dict[Any, str]:
    if by == "unit":
        names = dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
        return {k: names.get(k, _("Not yet dispatched")) for k in keys}
    if by == "category":
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by in ("kecamatan", "kelurahan"):
        return dict(Wilayah.objects.filter(code__in=keys).values_list("code", "name"))
    return {k: str(Channel(k).label) if k in Channel.values else k for k in keys}


BY_FIELD = {"unit": "unit_id", "category": "category_id", "kecamatan": "kecamatan", "channel": "channel"}
BY_LABEL = {
    "unit": gettext_lazy("OPD"),
    "category": gettext_lazy("Category"),
    "kecamatan": gettext_lazy("Kecamatan"),
    "kelurahan": gettext_lazy("Kelurahan/desa"),
    "channel": gettext_lazy("Channel"),
}
BREAKDOWNS = tuple(BY_LABEL)


def _count_columns(*, live: bool) -> tuple[t.Column, ...]:
    columns = [
        t.Column("received", _("Received"), t.INT),
        t.Column("finished", _("Finished"), t.INT),
        t.Column("sla", _("Finished on time"), t.PCT),
        t.Column("finish_median", _("Median working days to finish"), t.DAYS),
    ]
    if live:
        columns += [t.Column("open_now", _("Open now"), t.INT), t.Column("overdue_now", _("Overdue now"), t.INT)]
    columns.append(t.Column("rating", _("Average rating"), t.RATING))
    return tuple(columns)


def breakdown(
    *,
    by: str,
    period: Period,
    filters: Filters,
    reach: Reach,
    now: datetime | None = None,
    link: Any = None,
    open_now: OpenNow | None = None,
) -> t.Table:
    """One row per OPD, category, kecamatan, kelurahan or channel, for the period and filters."""
    if by == "kelurahan":
        return _by_kelurahan(period=period, filters=filters, reach=reach)
    now = now or timezone.now()
    grouped = {
        row["group"]: row
        for row in _stat_rows(
            grain=Grain.MONTH, first=period.first, last=period.last, filters=filters, reach=reach, group=by
        )
    }
    live = (open_now or OpenNow.read(reach, now)).totals(filters, by)
    medians: dict[str, int | None] = {}
    single = _single_dimension(filters, reach)
    if single is not None and single[0] == Dimension.ALL:
        found = _histograms(period, by, reach, measure=Measure.FINISH)
        medians = {key: percentile(hist, 0.5) for (key, _measure), hist in found.items()}
    keys = sorted(set(grouped) | set(live), key=str)
    names = _names(by, keys)
    rows = []
    for key in keys:
        sums = grouped.get(key, {})
        finished = sums.get("finished") or 0
        rated = sums.get("rated") or 0
        row = {
            "key": key,
            "name": names.get(key, str(key)),
            "received": sums.get("received") or 0,
            "finished": finished,
            "sla": (sums.get("finished_on_time") or 0) / finished if finished else None,
            "finish_median": medians.get(str(key)),
            "open_now": live.get(key, {}).get("open_now", 0),
            "overdue_now": live.get(key, {}).get("overdue_now", 0),
            "rating": (sums.get("rating_sum") or 0) / rated if rated else None,
        }
        if link is not None:
            row["url"] = link(by, key)
        rows.append(row)
    rows.sort(key=lambda r: (-r["received"], -r["open_now"], str(r["name"])))
    note = ""
    if single is None or single[0] != Dimension.ALL:
        note = _("Medians per row are shown when no filter is chosen.")
    return t.Table(
        slug=f"per-{by}",
        title=_("By %(dimension)s") % {"dimension": str(BY_LABEL[by]).lower()},
        columns=(
            t.Column("name", str(BY_LABEL[by]), t.TEXT, link_key="url" if link else None),
            *_count_columns(live=True),
        ),
        rows=tuple(rows),
        note=note,
    )


def _by_kelurahan(*, period: Period, filters: Filters, reach: Reach) -> t.Table:
    qs = PlaceCell.objects.filter(month__gte=period.first, month__lte=period.last)
    if reach.public:
        qs = qs.filter(is_public=True)
    if reach.units is not None:
        qs = qs.filter(unit_id__in=reach.units)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.kecamatan:
        qs = qs.filter(kelurahan__startswith=filters.kecamatan + ".")
    grouped = list(
        qs.values("kelurahan")
        .annotate(received=Sum("received"), finished=Sum("finished"), on_time=Sum("finished_on_time"))
        .order_by()
    )
    names = _names("kelurahan", [row["kelurahan"] for row in grouped])
    rows = [
        {
            "name": names.get(row["kelurahan"], row["kelurahan"]),
            "received": row["received"] or 0,
            "finished": row["finished"] or 0,
            "sla": (row["on_time"] or 0) / row["finished"] if row["finished"] else None,
        }
        for row in grouped
    ]
    rows.sort(key=lambda r: (-r["received"], r["name"]))
    return t.Table(
        slug="per-kelurahan",
        title=_("By kelurahan/desa"),
        columns=(
            t.Column("name", _("Kelurahan/desa")),
            t.Column("received", _("Received"), t.INT),
            t.Column("finished", _("Finished"), t.INT),
            t.Column("sla", _("Finished on time"), t.PCT),
        ),
        rows=tuple(rows),
        note=_("The category filter does not apply to this table.") if filters.category is not None else "",
    )


def trend(*, grain: str, period: Period, filters: Filters, reach: Reach) -> t.Table:
    """Received, finished and share on time per month or week of the period (weeks: the last 12 of it)."""
    if grain == Grain.WEEK:
        end = week_of(_period_end(period))
        first = date.fromordinal(end.toordinal() - 7 * 11)
        keys = [date.fromordinal(first.toordinal() + 7 * i) for i in range(12)]
    else:
        first, end = period.first, period.last
        keys = [add_months(period.first, i) for i in range(period.months)]
    found = _stat_rows(grain=grain, first=first, last=end, filters=filters, reach=reach, by_period=True)
    grouped = {row["period"]: row for row in found}
    rows = []
    for key in keys:
        sums = grouped.get(key, {})
        finished = sums.get("finished") or 0
        rows.append({
            "period": key,
            "received": sums.get("received") or 0,
            "verified": sums.get("verified") or 0,
            "finished": finished,
            "sla": (sums.get("finished_on_time") or 0) / finished if finished else None,
        })  # fmt: skip
    kind = t.WEEK if grain == Grain.WEEK else t.MONTH
    return t.Table(
        slug="tren-mingguan" if grain == Grain.WEEK else "tren-bulanan",
        title=_("Week by week") if grain == Grain.WEEK else _("Month by month"),
        columns=(
            t.Column("period", _("Week of") if grain == Grain.WEEK else _("Month"), kind),
            t.Column("received", _("Received"), t.INT),
            t.Column("verified", _("Verified"), t.INT),
            t.Column("finished", _("Finished"), t.INT),
            t.Column("sla", _("Finished on time"), t.PCT),
        ),
        rows=tuple(rows),
        note=_("The last 12 weeks up to the end of the period.") if grain == Grain.WEEK else "",
    )


def _period_end(period: Period) -> date:
    nxt = add_months(period.last, 1)
    today = timezone.localdate()
    return min(date.fromordinal(nxt.toordinal() - 1), today)


def _narrow(qs: QuerySet[Cells], filters: Filters, reach: Reach) -> QuerySet[Cells]:
    if reach.public:
        qs = qs.filter(is_public=True)
    if reach.units is not None:
        qs = qs.filter(unit_id__in=reach.units)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.category is not None:
        qs = qs.filter(category_id=filters.category)
    if filters.kecamatan:
        qs = qs.filter(kecamatan=filters.kecamatan)
    return qs


def opd_ranking(
    *, period: Period, reach: Reach, now: datetime | None = None, link: Any = None, open_now: OpenNow | None = None
) -> t.Table:
    """Every active OPD, with its backlog, lateness, share on time, median time and rating."""
    table = breakdown(by="unit", period=period, filters=Filters(), reach=reach, now=now, link=link, open_now=open_now)
    opds = Unit.objects.filter(kind=UnitKind.OPD, is_active=True, is_leadership=False)
    if reach.units is not None:
        opds = opds.filter(pk__in=reach.units)
    present = {row["key"] for row in table.rows}
    rows = [row for row in table.rows if row["key"] != 0]
    for unit_id, name in opds.values_list("pk", "name"):
        if unit_id not in present:
            row = {"key": unit_id, "name": name, "received": 0, "finished": 0, "sla": None, "finish_median": None,
                   "open_now": 0, "overdue_now": 0, "rating": None}  # fmt: skip
            if link is not None:
                row["url"] = link("unit", unit_id)
            rows.append(row)
    rows.sort(key=lambda r: (-r["overdue_now"], -r["open_now"], str(r["name"])))
    return replace(
        table,
        slug="peringkat-opd",
        title=_("OPD ranking"),
        rows=tuple(rows),
        note=_(
            "Open and overdue: now. Received, finished, on time (finished by the deadline), median working days "
            "from report to answer and rating: in the period."
        ),
    )


def status_shares(*, filters: Filters, reach: Reach, open_now: OpenNow | None = None) -> t.Table:
    """The backlog by status right now."""
    counts = (open_now or OpenNow.read(reach)).by_status(filters)
    rows = tuple({"status": str(Status(s).label), "n": counts.get(s, 0)} for s in BACKLOG)
    return t.Table(
        slug="status-terbuka",
        title=_("Open reports by status"),
        columns=(t.Column("status", _("Status")), t.Column("n", _("Reports"), t.INT)),
        rows=rows,
    )
