"""Reads of the planning module. Public selectors see only published years and accepted realisation; every
figure of a roll-up is read from the summary cells (balai.kinerja.summary), so a page costs the same number of
queries and about the same time at twenty times the demo's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balai.core.models import Unit
from balai.core.selectors import work_calendar

from . import evaluation
from .models import (
    Activity,
    Dimension,
    Indicator,
    Level,
    Plan,
    PredicateBand,
    Realisation,
    RealisationStatus,
    Renstra,
    RpjmdGoal,
    RpjmdMission,
    SummaryCell,
)
from .summary import ID_DIMENSIONS, key_text

DONE = (RealisationStatus.SUBMITTED, RealisationStatus.ACCEPTED)
DEPENDANTS_NAMED = 5  # rows named in a refusal; the rest are counted


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


def latest_quarter(plan: Plan) -> int | None:
    """The latest quarter with realisation accepted by Bappeda (what the public pages show by default)."""
    return SummaryCell.objects.filter(plan=plan, dimension=Dimension.OPD, quarter__gt=0, reported__gt=0).aggregate(
        q=Max("quarter")
    )["q"]


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
    spbe_pagu: Decimal = Decimal(0)
    physical_sum: Decimal = Decimal(0)
    achievement_sum: Decimal = Decimal(0)
    achieved: int = 0

    @property
    def absorption(self) -> Decimal | None:
        return evaluation.share(self.financial, self.pagu)

    def add(self, cell: SummaryCell | Figures) -> None:
        """Add a summary cell's sums (or another group's figures) to these."""
        self.subs += cell.subs
        self.pagu += cell.pagu
        self.spbe_pagu += cell.spbe_pagu
        self.reported += cell.reported
        self.financial += cell.financial
        self.physical_sum += cell.physical_sum
        self.achievement_sum += cell.achievement_sum
        self.achieved += cell.achieved

    def settle(self, the_bands: list[tuple[Decimal, str]]) -> Figures:
        """The means from the sums: physical progress over the realisations reported, achievement over those with
        a known achievement (unknown stays unknown, never 0)."""
        self.physical = _one_place(self.physical_sum / self.reported) if self.reported else None
        self.achievement = _one_place(self.achievement_sum / self.achieved) if self.achieved else None
        self.predicate = evaluation.predicate(self.achievement, the_bands)
        return self


def rollup(plan: Plan, quarter: int | None, dimension: str, *, keys: list[Any] | None = None) -> dict[Any, Figures]:
    """Figures per group of a dimension (balai.kinerja.models.Dimension), read from the summary cells: one query
    whatever the plan's size (`keys`: only these groups)."""
    cells = SummaryCell.objects.filter(plan=plan, dimension=dimension, quarter__in=[0, quarter or 0])
    if keys is not None:
        cells = cells.filter(key__in=[key_text(k) for k in keys])
    as_id = dimension in ID_DIMENSIONS
    result: dict[Any, Figures] = defaultdict(Figures)
    for cell in cells:
        key: Any = cell.key
        if as_id:
            key = int(cell.key) if cell.key else None
        result[key].add(cell)
    the_bands = bands()
    return {k: f.settle(the_bands) for k, f in result.items()}


def _one_place(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(evaluation.ONE_PLACE, ROUND_HALF_UP)


def total(figures: dict[Any, Figures]) -> Figures:
    """The sum of a roll-up's rows (money summed, percentages from the summed sums: each realisation counts once)."""
    out = Figures()
    for f in figures.values():
        out.add(f)
    return out.settle(bands())


def opd_units(plan: Plan) -> list[Unit]:
    """The OPD with sub kegiatan in the plan (from the summary cells)."""
    ids = SummaryCell.objects.filter(plan=plan, dimension=Dimension.OPD, quarter=0, subs__gt=0).values_list(
        "key", flat=True
    )
    return list(Unit.objects.filter(pk__in=[int(k) for k in ids if k]).order_by("name"))


def goals_by_mission(plan: Plan, quarter: int | None) -> list[tuple[RpjmdMission, list[tuple[RpjmdGoal, Figures]]]]:
    """The plan's RPJMD missions in order, each with its goals (by code) and how far each has come."""
    if plan.rpjmd_id is None:
        return []
    missions = list(RpjmdMission.objects.filter(rpjmd_id=plan.rpjmd_id).order_by("number"))
    goals = RpjmdGoal.objects.filter(mission__rpjmd_id=plan.rpjmd_id).prefetch_related("indicators", "renstra__unit")
    figures = rollup(plan, quarter, Dimension.GOAL)
    by_mission: dict[int, list[tuple[RpjmdGoal, Figures]]] = defaultdict(list)
    for goal in goals.order_by("code"):
        by_mission[goal.mission_id].append((goal, figures.get(goal.pk, Figures())))
    return [(mission, by_mission[mission.pk]) for mission in missions]


def spbe_share(plan: Plan) -> tuple[dict[int, tuple[Decimal, Decimal]], Decimal, Decimal]:
    """Per OPD (pagu of SPBE-tagged sub kegiatan, all pagu), and the Pemda's two totals (from the summary cells)."""
    per = {k: (f.spbe_pagu, f.pagu) for k, f in rollup(plan, None, Dimension.OPD).items() if k is not None}
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

        # The page's realisations first (by the activity-quarter key), then their values: joined in one query,
        # SQLite would walk every realisation of the quarter.
        realisations = list(
            Realisation.objects.filter(
                activity_id__in={i.activity_id for i in indicators}, quarter=quarter, status__in=status
            )
            .order_by()  # the model's ordering follows the activity to its code: a join over every realisation
            .values_list("pk", flat=True)
        )
        values = dict(
            IndicatorValue.objects.filter(
                realisation_id__in=realisations, indicator_id__in=[i.pk for i in indicators]
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


def goal_dependants(goal: RpjmdGoal) -> list[str]:
    """What still depends on an RPJMD goal, one sentence each saying where to change it (empty: it may go)."""
    found = []
    rows = list(
        Activity.objects.filter(goal=goal)
        .select_related("plan", "unit")
        .order_by("plan__year", "unit__name", "code")[: DEPENDANTS_NAMED + 1]
    )
    if rows:
        total = Activity.objects.filter(goal=goal).count()
        named = ", ".join(f"{a.code} {a.name} ({a.unit.name}, {a.plan.year})" for a in rows[:DEPENDANTS_NAMED])
        found.append(
            ngettext(
                "%(n)d row of the annual plan serves this goal: %(rows)s. Choose another goal on the row's page "
                "(Plan and realisation, the row, Change this row) first.",
                "%(n)d rows of the annual plan serve this goal: %(rows)s. Choose another goal on each row's page "
                "(Plan and realisation, the row, Change this row) first.",
                total,
            )
            % {"n": total, "rows": named + (" …" if total > DEPENDANTS_NAMED else "")}
        )
    units = list(Renstra.objects.filter(goals=goal).order_by("unit__name").values_list("unit__name", flat=True))
    if units:
        found.append(
            _("The Renstra of %(units)s serves this goal. Take it out of that Renstra first (RPJMD and Renstra).")
            % {"units": ", ".join(units)}
        )
    return found
