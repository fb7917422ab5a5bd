"""Reads of the planning module. Public selectors see only published years and accepted realisation; every
figure of a roll-up is one grouped query (the pages stay as fast at twenty times the demo's size)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from balai.core.models import Unit
from balai.core.selectors import work_calendar

from . import evaluation
from .models import (
    Activity,
    Indicator,
    Level,
    Plan,
    PredicateBand,
    Realisation,
    RealisationStatus,
    RpjmdGoal,
)

DONE = (RealisationStatus.SUBMITTED, RealisationStatus.ACCEPTED)


def bands() -> list[tuple[Decimal, str]]:
    rows = list(PredicateBand.objects.values_list("lower_bound", "label"))
    return rows or list(evaluation.DEFAULT_BANDS)


def published_years() -> list[int]:
    return list(Plan.objects.filter(published=True).order_by("-year").values_list("year", flat=True))


def plan_public(year: int) -> Plan | None:
    return Plan.objects.filter(year=year, published=True).select_related("rpjmd").first()


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, quarter * 3 + 1, 1) - timedelta(days=1)


def quarter_due(plan: Plan, quarter: int) -> datetime:
    """The realisation of a quarter is due `deadline_working_days` working days after the quarter ends (end of
    that day, in the Pemda's time zone)."""
    calendar = work_calendar()
    end = timezone.make_aware(datetime.combine(quarter_end(plan.year, quarter), time(23, 59)), calendar.tz)
    return calendar.add_working_days(end, plan.deadline_working_days)


def latest_quarter(plan: Plan, *, public: bool = True) -> int | None:
    """The latest quarter with accepted realisation (what the public pages show by default)."""
    qs = Realisation.objects.filter(activity__plan=plan)
    if public:
        qs = qs.filter(status=RealisationStatus.ACCEPTED)
    return qs.aggregate(q=Max("quarter"))["q"]


@dataclass
class Figures:
    """The figures of one row of a roll-up (an OPD, a program, an urusan, a goal, a kecamatan)."""

    pagu: Decimal = Decimal(0)
    financial: Decimal = Decimal(0)
    physical: Decimal | None = None
    achievement: Decimal | None = None
    subs: int = 0
    reported: int = 0
    predicate: str = ""

    @property
    def absorption(self) -> Decimal | None:
        return evaluation.share(self.financial, self.pagu)


def rollup(
    plan: Plan, quarter: int | None, by: str, *, public: bool = True, filters: Q | None = None
) -> dict[Any, Figures]:
    """Figures per value of `by` (an Activity field of the sub kegiatan: "unit_id", "program_id", "urusan",
    "goal", "kelurahan__parent_id"), two grouped queries."""
    subs = Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN)
    if filters is not None:
        subs = subs.filter(filters)
    result: dict[Any, Figures] = defaultdict(Figures)
    for row in subs.order_by().values(by).annotate(pagu=Sum("pagu"), n=Count("id")):
        result[row[by]].pagu = row["pagu"] or Decimal(0)
        result[row[by]].subs = row["n"]
    if quarter is not None:
        realised = Realisation.objects.filter(activity__in=subs, quarter=quarter)
        realised = realised.filter(status=RealisationStatus.ACCEPTED) if public else realised.filter(status__in=DONE)
        key = f"activity__{by}"
        the_bands = bands()
        for row in (
            realised.order_by()
            .values(key)
            .annotate(
                financial=Sum("financial"), physical=Avg("physical_pct"), achievement=Avg("achievement"), n=Count("id")
            )
        ):
            figures = result[row[key]]
            figures.financial = row["financial"] or Decimal(0)
            figures.physical = _one_place(row["physical"])
            figures.achievement = _one_place(row["achievement"])
            figures.reported = row["n"]
            figures.predicate = evaluation.predicate(figures.achievement, the_bands)
    return dict(result)


def _one_place(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(evaluation.ONE_PLACE)


def total(figures: dict[Any, Figures]) -> Figures:
    """The Pemda's total of a roll-up: money summed, percentages weighted by the rows reported."""
    out = Figures()
    weight = 0
    physical = achievement = Decimal(0)
    reported_with_achievement = 0
    for f in figures.values():
        out.pagu += f.pagu
        out.financial += f.financial
        out.subs += f.subs
        out.reported += f.reported
        if f.physical is not None:
            physical += f.physical * f.reported
            weight += f.reported
        if f.achievement is not None:
            achievement += f.achievement * f.reported
            reported_with_achievement += f.reported
    out.physical = _one_place(physical / weight) if weight else None
    out.achievement = _one_place(achievement / reported_with_achievement) if reported_with_achievement else None
    out.predicate = evaluation.predicate(out.achievement, bands())
    return out


def opd_units(plan: Plan) -> list[Unit]:
    ids = Activity.objects.filter(plan=plan).order_by().values("unit_id").distinct()
    return list(Unit.objects.filter(pk__in=ids).order_by("name"))


def goals_with_progress(plan: Plan, quarter: int | None) -> list[tuple[RpjmdGoal, Figures]]:
    if plan.rpjmd_id is None:
        return []
    goals = list(
        RpjmdGoal.objects.filter(mission__rpjmd_id=plan.rpjmd_id)
        .select_related("mission")
        .prefetch_related("indicators")
    )
    figures = rollup(plan, quarter, "program__goal_id")
    return [(goal, figures.get(goal.pk, Figures())) for goal in goals]


def spbe_share(plan: Plan) -> tuple[dict[int, tuple[Decimal, Decimal]], Decimal, Decimal]:
    """Per OPD (pagu of SPBE-tagged sub kegiatan, all pagu), and the Pemda's two totals."""
    rows = (
        Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN)
        .order_by()
        .values("unit_id")
        .annotate(spbe=Sum("pagu", filter=Q(spbe=True)), all=Sum("pagu"))
    )
    per = {r["unit_id"]: (r["spbe"] or Decimal(0), r["all"] or Decimal(0)) for r in rows}
    return per, sum((v[0] for v in per.values()), Decimal(0)), sum((v[1] for v in per.values()), Decimal(0))


def activity_public(public_id: Any) -> Activity | None:
    return (
        Activity.objects.filter(public_id=public_id, plan__published=True)
        .select_related("plan", "unit", "parent", "program", "kelurahan", "kelurahan__parent", "goal")
        .first()
    )


def realisations_public(activity: Activity) -> list[Realisation]:
    return list(
        Realisation.objects.filter(activity=activity, status=RealisationStatus.ACCEPTED)
        .prefetch_related("evidence", "values__indicator")
        .order_by("quarter")
    )


def linked_reports(activity: Activity) -> list[Any]:
    """The linked citizen reports the public may see (lapor's public selector: never a rahasia report)."""
    from balai.lapor.selectors import report_public_get

    codes = list(activity.report_links.order_by("created_at").values_list("report_code", flat=True)[:20])
    return [r for r in (report_public_get(code) for code in codes) if r is not None]


def lkjip_indicators(plan: Plan, unit: Unit) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(activity__plan=plan, activity__unit=unit, activity__level=Level.SUB_KEGIATAN)
        .select_related("activity", "activity__program")
        .order_by("activity__code", "id")
    )


def lkjip_rows(
    plan: Plan, unit: Unit, quarter: int | None, *, public: bool = True, indicators: Any = None
) -> list[dict[str, Any]]:
    """One row per indicator of the OPD's sub kegiatan (or of the given page of them): target, realised value of
    the quarter, achievement, predicate (the LKjIP table)."""
    indicators = list(lkjip_indicators(plan, unit) if indicators is None else indicators)
    values: dict[int, Decimal | None] = {}
    if quarter is not None:
        status = [RealisationStatus.ACCEPTED] if public else list(DONE)
        from .models import IndicatorValue

        values = dict(
            IndicatorValue.objects.filter(
                indicator__in=[i.pk for i in indicators],
                realisation__quarter=quarter,
                realisation__status__in=status,
            ).values_list("indicator_id", "achieved")
        )
    the_bands = bands()
    rows = []
    for indicator in indicators:
        realised = values.get(indicator.pk)
        score = evaluation.achievement(indicator.target, realised, indicator.direction)
        rows.append(
            {
                "program": indicator.activity.program.name if indicator.activity.program else "",
                "code": indicator.activity.code,
                "activity": indicator.activity,
                "indicator": indicator,
                "target": indicator.target,
                "realised": realised,
                "achievement": score,
                "predicate": evaluation.predicate(score, the_bands),
            }
        )
    return rows


# --- deadlines ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterDue:
    plan: Plan
    quarter: int
    due: datetime


def quarters_to_watch(now: datetime) -> list[QuarterDue]:
    """The quarters whose realisation is due or will be soon: the last ended quarter of each plan that has
    one (last year's fourth quarter stays watched into the new year)."""
    today = timezone.localdate(now)
    result = []
    for plan in Plan.objects.filter(year__in=[today.year, today.year - 1]):
        ended = [q for q in (1, 2, 3, 4) if quarter_end(plan.year, q) < today]
        if ended:
            result.append(QuarterDue(plan, ended[-1], quarter_due(plan, ended[-1])))
    return result


def missing_by_unit(plan: Plan, quarter: int, unit_ids: list[int] | None = None) -> dict[int, int]:
    """Sub kegiatan per OPD with no realisation sent (submitted or accepted) for the quarter."""
    subs = Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN)
    if unit_ids is not None:
        subs = subs.filter(unit_id__in=unit_ids)
    sent = Realisation.objects.filter(activity__plan=plan, quarter=quarter, status__in=DONE).values("activity_id")
    rows = subs.exclude(pk__in=sent).order_by().values("unit_id").annotate(n=Count("id"))
    return {r["unit_id"]: r["n"] for r in rows}


def reporting_status(
    now: datetime, soon_days: int = 3
) -> tuple[dict[int, tuple[int, int, date]], dict[int, tuple[int, int, date]]]:
    """OPD late with a quarter's realisation, and OPD whose deadline comes within `soon_days` working days."""
    late: dict[int, tuple[int, int, date]] = {}
    soon: dict[int, tuple[int, int, date]] = {}
    calendar = work_calendar()
    horizon = calendar.add_working_days(now, soon_days)
    for watched in quarters_to_watch(now):
        table = late if watched.due < now else soon if watched.due <= horizon else None
        if table is None:
            continue
        for unit_id in missing_by_unit(watched.plan, watched.quarter):
            table.setdefault(unit_id, (watched.plan.year, watched.quarter, timezone.localdate(watched.due)))
    return late, soon


def staff_subs(scope_units: frozenset[int] | None, plan: Plan) -> QuerySet[Activity]:
    """Sub kegiatan a person works on: their OPD's (None: every OPD, for Bappeda)."""
    qs = Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN).select_related("unit")
    if scope_units is not None:
        qs = qs.filter(unit_id__in=scope_units)
    return qs.order_by("unit__name", "code")
