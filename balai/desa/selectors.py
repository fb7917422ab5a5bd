"""Reads of the module: what a person may see (scoped by their roles), the units × periods matrix, the figures
per kecamatan, the KIM registry and the public posts (never a member's phone, never an unpublished post)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.access import StaffScope
from balai.core.models import Membership, TrainingRecord, Unit, UnitKind
from balai.core.selectors import work_calendar

from . import rules
from .models import FieldKind, Kim, KimMember, KimPost, Period, PostStatus, ReportType, Submission, SubmissionStatus
from .periods import (
    TIMELINESS_LABELS,
    ReportPeriod,
    Timeliness,
    deadline,
    period_containing,
    period_previous,
    periods_ended,
    timeliness,
)

__all__ = ["TIMELINESS_LABELS", "Timeliness"]

ACTIVE_DAYS = 92  # "active when it posted or reported in the last 3 months"
COUNTED = (SubmissionStatus.SENT, SubmissionStatus.ACCEPTED)


def reads_everything(scope: StaffScope) -> bool:
    return scope.admin or scope.has(rules.MODULE, rules.Role.PEMERINTAHAN)


def moderates_kim(scope: StaffScope) -> bool:
    return scope.admin or scope.has(rules.MODULE, rules.Role.MODERATOR)


def sees_reports(scope: StaffScope) -> bool:
    return reads_everything(scope) or bool(
        scope.units_with(rules.MODULE, rules.Role.LURAH) | scope.units_with(rules.MODULE, rules.Role.CAMAT)
    )


def units_visible_to(scope: StaffScope) -> QuerySet[Unit]:
    """The kelurahan/desa/kecamatan whose reports this person reads: all (the mayor's office), the kecamatan and
    its kelurahan (a camat), their own (a lurah)."""
    territorial = Unit.objects.active().exclude(kind=UnitKind.OPD)
    if reads_everything(scope):
        return territorial
    camat = scope.units_with(rules.MODULE, rules.Role.CAMAT)
    own = scope.units_with(rules.MODULE, rules.Role.LURAH)
    return territorial.filter(Q(pk__in=own) | Q(parent_id__in=camat) | Q(pk__in=camat))


def submissions_visible_to(scope: StaffScope) -> QuerySet[Submission]:
    return Submission.objects.filter(unit__in=units_visible_to(scope)).select_related("report_type", "unit")


def access_submission(scope: StaffScope, public_id: Any) -> Submission:
    """The report if this person may read it, else 404 (never a hint that it exists)."""
    submission = submissions_visible_to(scope).filter(public_id=public_id).select_related("unit__parent").first()
    if submission is None:
        raise Http404
    return submission


def units_for(report_type: ReportType, scope: StaffScope | None = None) -> QuerySet[Unit]:
    units = Unit.objects.active().filter(kind__in=report_type.unit_kinds)
    if scope is not None:
        units = units.filter(pk__in=units_visible_to(scope).values("pk"))
    return units.order_by("parent__name", "name")


@dataclass(frozen=True)
class Cell:
    period: ReportPeriod
    state: Timeliness
    status: str = ""
    public_id: Any = None

    @property
    def label(self) -> str:
        return str(TIMELINESS_LABELS[self.state])


@dataclass(frozen=True)
class MatrixRow:
    unit: Unit
    cells: list[Cell]


def matrix(
    report_type: ReportType, units: Iterable[Unit], periods: list[ReportPeriod], now: dt.datetime
) -> list[MatrixRow]:
    """Units × periods: on time, late, missing or not yet due; one query for the cells of the given units (a page
    of them on the staff page, through the (report type, period) index), whatever the history's length."""
    calendar = work_calendar()
    dues = {p.key: deadline(calendar, p, report_type.deadline_days) for p in periods}
    unit_list = list(units.only("id", "name", "slug", "parent_id") if isinstance(units, QuerySet) else units)
    found: dict[tuple[int, str], tuple[Any, str, Any]] = {}
    rows = (
        Submission.objects.filter(
            report_type=report_type, period_key__in=list(dues), unit_id__in=[u.pk for u in unit_list]
        )
        .values_list("unit_id", "period_key", "first_sent_at", "status", "public_id")
        .order_by()
    )
    for unit_id, key, first_sent_at, status, public_id in rows:
        found[(unit_id, key)] = (first_sent_at, status, public_id)
    result = []
    for unit in unit_list:
        cells = []
        for period in periods:
            first_sent_at, status, public_id = found.get((unit.pk, period.key), (None, "", None))
            cells.append(
                Cell(
                    period, timeliness(first_sent_at=first_sent_at, due_at=dues[period.key], now=now), status, public_id
                )
            )
        result.append(MatrixRow(unit, cells))
    return result


def matrix_periods(report_type: ReportType, now: dt.datetime, count: int) -> list[ReportPeriod]:
    if report_type.period == Period.INCIDENT:
        return []
    return periods_ended(report_type.period, work_calendar().local_date(now), count)


def late_counts(unit_ids: list[int] | None, now: dt.datetime) -> dict[int, int]:
    """Per unit: reports of the last ended period that are missing past their deadline (readiness, kpis)."""
    counts: dict[int, int] = defaultdict(int)
    for report_type in ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT):
        periods = matrix_periods(report_type, now, 1)
        units = Unit.objects.active().filter(kind__in=report_type.unit_kinds)
        if unit_ids is not None:
            units = units.filter(pk__in=unit_ids)
        for row in matrix(report_type, units, periods, now):
            for cell in row.cells:
                if cell.state == Timeliness.MISSING:
                    counts[row.unit.pk] += 1
    return dict(counts)


def on_time_share(now: dt.datetime, periods: int = 3) -> float | None:
    """The share (%) of reports due in the last periods that came on time."""
    total = on_time = 0
    for report_type in ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT):
        units = Unit.objects.active().filter(kind__in=report_type.unit_kinds)
        for row in matrix(report_type, units, matrix_periods(report_type, now, periods), now):
            for cell in row.cells:
                total += 1
                on_time += cell.state == Timeliness.ON_TIME
    return round(100 * on_time / total, 1) if total else None


def figures(report_type: ReportType, period_key: str, scope: StaffScope | None = None) -> tuple[list[Any], list[Any]]:
    """The number fields summed per kecamatan over the sent and accepted reports: (number fields, rows of
    (kecamatan name, reports counted, sums...)). No names of people: open data may publish it."""
    fields = [f for f in report_type.fields.all() if f.kind == FieldKind.NUMBER]
    subs = Submission.objects.filter(report_type=report_type, period_key=period_key, status__in=COUNTED)
    if scope is not None:
        subs = subs.filter(unit__in=units_visible_to(scope))
    sums: dict[str, list[int]] = {}
    for parent_name, unit_name, values in subs.values_list("unit__parent__name", "unit__name", "values").order_by():
        name = parent_name or unit_name
        row = sums.setdefault(name, [0] * (len(fields) + 1))
        row[0] += 1
        for i, field in enumerate(fields):
            value = (values or {}).get(field.key)
            if isinstance(value, int):
                row[i + 1] += value
    return fields, [(name, *row) for name, row in sorted(sums.items())]


# --- KIM --------------------------------------------------------------------------------------------------------


def member_kim_ids(user: Any) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(KimMember.objects.filter(user=user).values_list("kim_id", flat=True))


def kim_is_active(kim: Kim, now: dt.datetime) -> bool:
    return kim.last_activity_at is not None and kim.last_activity_at >= now - dt.timedelta(days=ACTIVE_DAYS)


def kims_public() -> QuerySet[Kim]:
    return Kim.objects.select_related("unit", "unit__parent")


def posts_public() -> QuerySet[KimPost]:
    return (
        KimPost.objects.filter(status=PostStatus.PUBLISHED).select_related("kim", "kim__unit").order_by("-published_at")
    )


def posts_visible_to(scope: StaffScope, kim_ids: frozenset[int]) -> QuerySet[KimPost]:
    posts = KimPost.objects.select_related("kim", "kim__unit")
    if moderates_kim(scope):
        return posts
    return posts.filter(kim_id__in=kim_ids)


@dataclass(frozen=True)
class KecamatanKim:
    kecamatan: str
    total: int
    active: int
    trained: int
    posts_by_month: dict[str, int]


def kim_overview(now: dt.datetime, months: int = 6) -> tuple[list[str], list[KecamatanKim]]:
    """Diskominfo's view: per kecamatan, KIM registered and active, members trained, posts per month."""
    since = (now - dt.timedelta(days=31 * months)).replace(day=1)
    kims = list(Kim.objects.select_related("unit__parent").only("id", "last_activity_at", "unit__parent__name"))
    posts = (
        KimPost.objects.filter(status=PostStatus.PUBLISHED, published_at__gte=since)
        .annotate(month=TruncMonth("published_at"))
        .values_list("kim_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    trained_users = set(TrainingRecord.objects.values_list("user_id", flat=True).distinct())
    member_users: dict[int, set[int]] = defaultdict(set)
    for kim_id, user_id in KimMember.objects.exclude(user=None).values_list("kim_id", "user_id"):
        member_users[kim_id].add(user_id)
    month_keys: list[str] = []
    cursor = since.date()
    while cursor <= now.date():
        month_keys.append(f"{cursor:%Y-%m}")
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    by_kim = {k.pk: (k.unit.parent.name if k.unit.parent else k.unit.name) for k in kims}
    table: dict[str, dict[str, Any]] = {}
    for kim in kims:
        row = table.setdefault(
            by_kim[kim.pk], {"total": 0, "active": 0, "trained": 0, "months": dict.fromkeys(month_keys, 0)}
        )
        row["total"] += 1
        row["active"] += kim_is_active(kim, now)
        row["trained"] += len(member_users[kim.pk] & trained_users)
    for kim_id, month, n in posts:
        key = f"{month:%Y-%m}"
        if key in table[by_kim[kim_id]]["months"]:
            table[by_kim[kim_id]]["months"][key] += n
    return month_keys, [
        KecamatanKim(name, r["total"], r["active"], r["trained"], r["months"]) for name, r in sorted(table.items())
    ]


def kim_latest_activity() -> dt.datetime | None:
    return Kim.objects.aggregate(latest=Max("last_activity_at"))["latest"]


# --- readiness of the kelurahan and desa ------------------------------------------------------------------------

READINESS_PERIODS = 3  # a report late or missing in the last three periods of its type keeps the unit flagged


class ReadinessState(StrEnum):
    """Most serious first: nobody can send, a report is still missing, a report came late, all well."""

    NO_LURAH = "tanpa_lurah"
    MISSING = "belum"
    LATE = "terlambat"
    READY = "siap"


READINESS_LABELS = {
    ReadinessState.NO_LURAH: gettext_lazy("no lurah account"),
    ReadinessState.MISSING: gettext_lazy("report missing"),
    ReadinessState.LATE: gettext_lazy("report late"),
    ReadinessState.READY: gettext_lazy("ready"),
}


@dataclass(frozen=True)
class VillageReadiness:
    """One kelurahan/desa (or kecamatan) that must send reports: its lurah accounts, its missing and late reports
    over the last periods, and the state they make."""

    unit: Unit
    kecamatan: str
    lurah_accounts: int
    missing: tuple[str, ...]  # period labels (with the report's name when there are several types), oldest first
    late: tuple[str, ...]

    @property
    def state(self) -> ReadinessState:
        if not self.lurah_accounts:
            return ReadinessState.NO_LURAH
        if self.missing:
            return ReadinessState.MISSING
        if self.late:
            return ReadinessState.LATE
        return ReadinessState.READY

    @property
    def ready(self) -> bool:
        return self.state == ReadinessState.READY

    @property
    def label(self) -> str:
        return str(READINESS_LABELS[self.state])

    @property
    def reason(self) -> str:
        """Every reason in one short line, most serious first; empty when ready."""
        parts = []
        if not self.lurah_accounts:
            parts.append(_("No active lurah or kepala desa account."))
        if self.missing:
            parts.append(_("Not sent by the deadline: %(which)s.") % {"which": ", ".join(self.missing)})
        if self.late:
            parts.append(_("Sent after the deadline: %(which)s.") % {"which": ", ".join(self.late)})
        return " ".join(parts)


def unit_readiness(unit_ids: Iterable[int] | None, now: dt.datetime) -> list[VillageReadiness]:
    """Every active unit that must send a report type (the units in `unit_ids` or under them; None: all), not-ready
    first, then by kecamatan and name. Queries: the report types, the units, the lurah accounts, one matrix read per
    report type — whatever the number of units."""
    types = list(ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT))
    kinds = {kind for t in types for kind in t.unit_kinds}
    if not kinds:
        return []
    units_qs = Unit.objects.active().filter(kind__in=kinds).select_related("parent").order_by("parent__name", "name")
    if unit_ids is not None:
        ids = list(unit_ids)
        units_qs = units_qs.filter(Q(pk__in=ids) | Q(parent_id__in=ids))
    units = list(units_qs)
    if not units:
        return []
    accounts: dict[int, int] = defaultdict(int)
    for unit_id in (
        Membership.objects.filter(
            module=rules.MODULE,
            role=rules.Role.LURAH,
            is_active=True,
            user__is_active=True,
            unit_id__in=[u.pk for u in units],
        )
        .values_list("unit_id", flat=True)
        .order_by()
    ):
        accounts[unit_id] += 1
    missing: dict[int, list[str]] = defaultdict(list)
    late: dict[int, list[str]] = defaultdict(list)
    for report_type in types:
        # With one report type its name would only repeat: the periods say enough.
        prefix = f"{report_type.name} " if len(types) > 1 else ""
        periods = list(reversed(matrix_periods(report_type, now, READINESS_PERIODS)))  # oldest first
        concerned = [u for u in units if u.kind in report_type.unit_kinds]
        for row in matrix(report_type, concerned, periods, now):
            for cell in row.cells:
                if cell.state == Timeliness.MISSING:
                    missing[row.unit.pk].append(prefix + cell.period.label())
                elif cell.state == Timeliness.LATE:
                    late[row.unit.pk].append(prefix + cell.period.label())
    found = [
        VillageReadiness(
            unit=u,
            kecamatan=u.parent.name if u.parent else u.name,
            lurah_accounts=accounts[u.pk],
            missing=tuple(missing[u.pk]),
            late=tuple(late[u.pk]),
        )
        for u in units
    ]
    order = list(ReadinessState)
    return sorted(found, key=lambda r: (order.index(r.state), r.kecamatan, r.unit.name))


# --- the mayor's monthly PDF ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KecamatanTimeliness:
    kecamatan: str
    units: int
    on_time: int
    late: int
    missing: int
    pending: int


def periods_ending_within(report_type: ReportType, first: dt.date, last: dt.date) -> list[ReportPeriod]:
    """The periods of a report type that end between two days (a month's monthly report; a quarter ending in it)."""
    if report_type.period == Period.INCIDENT:
        return []
    found = []
    current = period_containing(report_type.period, last)
    while current.end >= first:
        if current.end <= last:
            found.append(current)
        current = period_previous(report_type.period, current)
    return list(reversed(found))


def timeliness_per_kecamatan(
    report_type: ReportType, period: ReportPeriod, now: dt.datetime
) -> list[KecamatanTimeliness]:
    """Per kecamatan: the units that must send the report for the period, and how many sent it on time, late, not
    at all past the deadline, or not yet with the deadline ahead."""
    units = Unit.objects.active().filter(kind__in=report_type.unit_kinds).select_related("parent")
    table: dict[str, list[int]] = {}
    for row in matrix(report_type, list(units), [period], now):
        name = row.unit.parent.name if row.unit.parent else row.unit.name
        counts = table.setdefault(name, [0, 0, 0, 0, 0])
        counts[0] += 1
        state = row.cells[0].state
        counts[1 + [Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING, Timeliness.PENDING].index(state)] += 1
    return [KecamatanTimeliness(name, *counts) for name, counts in sorted(table.items())]
