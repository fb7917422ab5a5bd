"""Keeps the summary tables equal to what a full recomputation from the reports would give.

A report's `Fact` is the handful of values the tables depend on. `contributions(fact)` turns it into the
amounts it adds to each cell; a change of a report removes the contributions of its old fact and adds those
of its new one, in the same transaction (`report_changed`). Cells are upserted in a fixed order, so two
transactions touching the same cells cannot deadlock. `summary_rebuild()` recomputes everything (after bulk
imports, a restore, or a change of the holiday calendar); `summary_drift()` compares the tables with a
recomputation and is what the tests and `balai summary check` use.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from balai.core.selectors import work_calendar
from balai.lapor.models import FixedAnswer, Report, Status
from balai.lib.workdays import WorkCalendar

from .models import BacklogCell, Dimension, DurationCell, Grain, Measure, PlaceCell, RollupCell, StatCell

SUMMARY_MODELS: tuple[type[models.Model], ...] = (StatCell, RollupCell, DurationCell, PlaceCell, BacklogCell)
# Open reports, and which deadline makes each of them late.
BACKLOG_STATUSES = (Status.DITERIMA, Status.DITUNDA, Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DIPROSES)
FOLLOW_UP_STATUSES = (Status.DIDISPOSISIKAN, Status.DIPROSES)
NO_DEADLINE = date(9999, 12, 31)
# Backlog cells whose deadline day passed before yesterday are summed, per everything else of their key, into
# one cell with this deadline (`backlog_fold`, run by the worker and after a rebuild). "Late" only asks whether
# a deadline is before today, so nothing that is read changes, and the table stays as small as the open
# reports' coming deadlines instead of growing with every day a stalled report has been waiting.
FOLDED_DEADLINE = date(1970, 1, 1)
FACT_FIELDS = (
    "pk", "lead_unit_id", "category_id", "kecamatan_id", "kelurahan_id", "channel", "is_confidential", "status",
    "created_at", "verified_at", "finished_at", "due_at", "reopened_count", "rating", "rated_at",
    "questionnaire_sent_at", "fixed_answer", "verify_due_at", "published_at",
)  # fmt: skip


class Fact(NamedTuple):
    """What the summary knows of one report, in local dates and working days."""

    unit: int
    category: int
    kecamatan: str
    kelurahan: str
    channel: str
    public: bool
    received: date
    verified: date | None
    verify_days: int | None
    finished: date | None
    finish_days: int | None
    on_time: bool
    reopened: bool
    rated: date | None
    rating: int
    asked: date | None
    answered: bool
    fixed: bool
    open_status: str  # '' once the report is closed
    deadline: date


class WorkingDays:
    """Working days between local dates in O(1), from a running count built once per calendar."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._start = date(2000, 1, 1)
        self._running: list[int] = [0]
        self._growing = threading.Lock()

    def _index(self, day: date) -> int:
        offset = (day - self._start).days
        if offset < 0:
            raise ValueError("dates before 2000 are not summarised")
        if len(self._running) <= offset:
            with self._growing:  # shared by the threads of a process (shared_working_days)
                while len(self._running) <= offset:
                    nxt = self._start + timedelta(days=len(self._running))
                    self._running.append(self._running[-1] + (1 if self.calendar.is_working_day(nxt) else 0))
        return self._running[offset]

    def between(self, start: date, end: date) -> int:
        """As WorkCalendar.working_days_between: working days after `start` up to and including `end`."""
        return self._index(end) - self._index(start)


_SHARED: dict[tuple[frozenset[date], frozenset[date]], WorkingDays] = {}
_SHARED_LOCK = threading.Lock()


def shared_working_days(calendar: WorkCalendar) -> WorkingDays:
    """One running count per calendar and process: building it counts every day since 2000 (about 10,000
    look-ups), which every report's change paid before. A calendar is its days off and working-day overrides
    (its time zone does not change which days work), so a change of the Pemda's calendar makes a new one."""
    key = (calendar.extra_days_off, calendar.extra_working_days)
    with _SHARED_LOCK:
        days = _SHARED.get(key)
        if days is None:
            if len(_SHARED) >= 8:  # calendars edited many times in one process: keep it bounded
                _SHARED.clear()
            days = _SHARED[key] = WorkingDays(calendar)
    return days


@dataclass
class _Context:
    calendar: WorkCalendar
    days: WorkingDays

    def local(self, moment: datetime) -> date:
        return moment.astimezone(self.calendar.tz).date()


def _context(calendar: WorkCalendar | None = None) -> _Context:
    calendar = calendar or work_calendar()
    return _Context(calendar=calendar, days=shared_working_days(calendar))


def fact_of(values: dict[str, Any] | Report, ctx: _Context) -> Fact:
    """The fact of a report (an instance or a `.values(*FACT_FIELDS)` row)."""
    row: dict[str, Any] = values if isinstance(values, dict) else {f: getattr(values, f) for f in FACT_FIELDS}
    get = row.__getitem__
    created = ctx.local(get("created_at"))
    verified_at, finished_at, due_at = get("verified_at"), get("finished_at"), get("due_at")
    status = get("status")
    verified = ctx.local(verified_at) if verified_at else None
    finished = ctx.local(finished_at) if finished_at and status == Status.SELESAI else None
    rated_at, asked_at = get("rated_at"), get("questionnaire_sent_at")
    fixed_answer = get("fixed_answer") or ""
    return Fact(
        unit=get("lead_unit_id") or 0,
        category=get("category_id"),
        kecamatan=get("kecamatan_id") or "",  # "" while the kelurahan is to be set
        kelurahan=get("kelurahan_id") or "",
        channel=get("channel"),
        # Report.is_public, from the row.
        public=get("published_at") is not None and not get("is_confidential") and status != Status.DIARSIPKAN,
        received=created,
        verified=verified,
        verify_days=ctx.days.between(created, verified) if verified else None,
        finished=finished,
        finish_days=ctx.days.between(created, finished) if finished else None,
        on_time=bool(finished and due_at and finished_at <= due_at),
        reopened=(get("reopened_count") or 0) > 0,
        rated=ctx.local(rated_at) if rated_at and get("rating") else None,
        rating=get("rating") or 0,
        asked=ctx.local(asked_at) if asked_at else None,
        answered=bool(asked_at and fixed_answer),
        fixed=bool(asked_at and fixed_answer == FixedAnswer.YES),
        open_status=status if status in BACKLOG_STATUSES else "",
        deadline=_deadline(status, get("verify_due_at"), due_at, ctx),
    )


def _deadline(status: str, verify_due_at: datetime | None, due_at: datetime | None, ctx: _Context) -> date:
    if status == Status.DITERIMA and verify_due_at:
        return ctx.local(verify_due_at)
    if status in FOLLOW_UP_STATUSES and due_at:
        return ctx.local(due_at)
    return NO_DEADLINE


def month_of(day: date) -> date:
    return day.replace(day=1)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


Cell = tuple[type[models.Model], tuple[Any, ...]]


def contributions(fact: Fact) -> dict[Cell, Counter[str]]:
    """The amounts one report adds to each summary cell."""
    out: dict[Cell, Counter[str]] = defaultdict(Counter)
    dims = (fact.unit, fact.category, fact.kecamatan, fact.channel, fact.public)

    rollups = (
        (Dimension.ALL, ""),
        (Dimension.UNIT, str(fact.unit)),
        (Dimension.CATEGORY, str(fact.category)),
        (Dimension.KECAMATAN, fact.kecamatan),
        (Dimension.CHANNEL, fact.channel),
    )

    def stat(day: date, **amounts: int) -> None:
        for grain, period in ((Grain.MONTH, month_of(day)), (Grain.WEEK, week_of(day))):
            out[(StatCell, (str(grain), period, *dims))].update(amounts)
            for dimension, key in rollups:
                out[(RollupCell, (str(grain), str(dimension), period, key, fact.public))].update(amounts)

    def place(day: date, **amounts: int) -> None:
        out[(PlaceCell, (month_of(day), fact.kelurahan, fact.unit, fact.public))].update(amounts)

    def duration(day: date, measure: Measure, days: int) -> None:
        for dimension, key in rollups:
            out[(DurationCell, (str(dimension), month_of(day), key, fact.public, str(measure), days))]["reports"] += 1

    stat(fact.received, received=1, reopened=int(fact.reopened))
    place(fact.received, received=1)
    if fact.verified is not None and fact.verify_days is not None:
        stat(fact.verified, verified=1)
        duration(fact.verified, Measure.VERIFY, fact.verify_days)
    if fact.finished is not None and fact.finish_days is not None:
        stat(fact.finished, finished=1, finished_on_time=int(fact.on_time))
        place(fact.finished, finished=1, finished_on_time=int(fact.on_time))
        duration(fact.finished, Measure.FINISH, fact.finish_days)
    if fact.rated is not None:
        stat(fact.rated, rated=1, rating_sum=fact.rating)
    if fact.asked is not None:
        stat(fact.asked, asked_fixed=1, answered_fixed=int(fact.answered), said_fixed=int(fact.fixed))
    if fact.open_status:
        out[(BacklogCell, (*dims, fact.open_status, fact.deadline))]["reports"] += 1
    return out


def _delta(before: Fact | None, after: Fact | None) -> dict[Cell, Counter[str]]:
    change: dict[Cell, Counter[str]] = defaultdict(Counter)
    if after is not None:
        for cell, amounts in contributions(after).items():
            change[cell].update(amounts)
    if before is not None:
        for cell, amounts in contributions(before).items():
            change[cell].subtract(amounts)
    return {
        cell: Counter({k: v for k, v in amounts.items() if v})
        for cell, amounts in change.items()
        if any(amounts.values())
    }


def _upsert(model: type[models.Model], rows: list[tuple[tuple[Any, ...], Counter[str]]]) -> None:
    """Add amounts to cells, creating missing ones: one INSERT … ON CONFLICT DO UPDATE per batch."""
    if not rows:
        return
    qn = connection.ops.quote_name
    key: tuple[str, ...] = model.KEY  # type: ignore[attr-defined]
    metrics: tuple[str, ...] = model.METRICS  # type: ignore[attr-defined]
    columns = [*key, *metrics]
    table = qn(model._meta.db_table)
    update = ", ".join(f"{qn(m)} = {table}.{qn(m)} + excluded.{qn(m)}" for m in metrics)
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            batch = rows[start : start + 500]
            params: list[Any] = []
            for cell_key, amounts in batch:
                params.extend(cell_key)
                params.extend(amounts.get(m, 0) for m in metrics)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 - names are ours
                f"VALUES {', '.join([row_sql] * len(batch))} "
                f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {update}",
                params,
            )


def _apply(change: dict[Cell, Counter[str]]) -> None:
    # A fixed order (model, then key) so concurrent transactions lock shared cells in the same order.
    for model in SUMMARY_MODELS:
        rows = sorted(((key, amounts) for (m, key), amounts in change.items() if m is model), key=lambda r: r[0])
        _upsert(model, rows)


def report_changed(before: Fact | None, report: Report | None, ctx: _Context | None = None) -> Fact | None:
    """Move a report's contributions from its old fact to its current state; returns the new fact.

    Must run inside the transaction that changed the report (the services call it), so the summary and the
    reports can never disagree.
    """
    ctx = ctx or _context()
    after = fact_of(report, ctx) if report is not None else None
    if after != before:
        _apply(_delta(before, after))
    return after


def report_fact(report: Report) -> Fact:
    return fact_of(report, _context())


def _all_facts(ctx: _Context, chunk: int = 20000) -> Iterator[Fact]:
    last = 0
    while True:
        rows = list(Report.objects.filter(pk__gt=last).order_by("pk").values(*FACT_FIELDS)[:chunk])
        if not rows:
            return
        for row in rows:
            yield fact_of(row, ctx)
        last = rows[-1]["pk"]


def recompute(facts: Iterable[Fact]) -> dict[Cell, Counter[str]]:
    total: dict[Cell, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        for cell, amounts in contributions(fact).items():
            total[cell].update(amounts)
    return total


def _stored() -> dict[Cell, Counter[str]]:
    found: dict[Cell, Counter[str]] = {}
    for model in SUMMARY_MODELS:
        key: tuple[str, ...] = model.KEY  # type: ignore[attr-defined]
        metrics: tuple[str, ...] = model.METRICS  # type: ignore[attr-defined]
        for row in model._default_manager.values_list(*key, *metrics):
            amounts = Counter({m: v for m, v in zip(metrics, row[len(key) :], strict=True) if v})
            if amounts:
                found[(model, tuple(row[: len(key)]))] = amounts
    return found


def _folded(cells: dict[Cell, Counter[str]], cutoff: date) -> dict[Cell, Counter[str]]:
    """`cells` with every backlog deadline before `cutoff` read as FOLDED_DEADLINE (amounts summed)."""
    out: dict[Cell, Counter[str]] = defaultdict(Counter)
    for (model, key), amounts in cells.items():
        if model is BacklogCell and key[-1] < cutoff:
            key = (*key[:-1], FOLDED_DEADLINE)
        out[(model, key)].update(amounts)
    return {
        cell: Counter({k: v for k, v in amounts.items() if v}) for cell, amounts in out.items() if any(amounts.values())
    }


def _fold_cutoff(ctx: _Context, now: datetime | None = None) -> date:
    # A day of margin: whatever the server's time zone, a cell folded is late on every reading of "today".
    return ctx.local(now or timezone.now()) - timedelta(days=1)


def backlog_fold(now: datetime | None = None, calendar: WorkCalendar | None = None) -> int:
    """Fold the backlog cells whose deadline is before yesterday into FOLDED_DEADLINE; returns cells removed.

    On PostgreSQL the table is locked against other writers for the few milliseconds it takes (they wait, and
    cannot deadlock with it: it takes that lock before any row); SQLite has one writer anyway.
    """
    cutoff = _fold_cutoff(_context(calendar), now)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {BacklogCell._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        old = BacklogCell.objects.filter(deadline__lt=cutoff).exclude(deadline=FOLDED_DEADLINE)
        dims = BacklogCell.KEY[:-1]
        sums = list(old.values_list(*dims).annotate(n=models.Sum("reports")).order_by())
        if not sums:
            return 0
        removed, _by_model = old.delete()
        _upsert(BacklogCell, sorted(((*row[:-1], FOLDED_DEADLINE), Counter(reports=row[-1])) for row in sums))
        BacklogCell.objects.filter(deadline=FOLDED_DEADLINE, reports=0).delete()
    return removed


def summary_drift(calendar: WorkCalendar | None = None) -> list[str]:
    """Cells whose stored amounts differ from a full recomputation (empty when all is well); backlog cells
    are compared as folded (`backlog_fold`), whenever the worker last folded them."""
    ctx = _context(calendar)
    cutoff = _fold_cutoff(ctx)
    wanted = _folded({cell: +amounts for cell, amounts in recompute(_all_facts(ctx)).items() if +amounts}, cutoff)
    stored = _folded(_stored(), cutoff)
    cells = sorted(set(wanted) | set(stored), key=lambda c: (c[0].__name__, str(c[1])))
    return [
        f"{cell[0].__name__}{cell[1]}: stored {dict(stored.get(cell, {}))}, expected {dict(wanted.get(cell, {}))}"
        for cell in cells
        if wanted.get(cell, Counter()) != stored.get(cell, Counter())
    ]


@transaction.atomic
def summary_rebuild(calendar: WorkCalendar | None = None) -> int:
    """Empty the summary tables and fill them from every report; returns the number of reports read."""
    ctx = _context(calendar)
    count = 0

    def counted() -> Iterator[Fact]:
        nonlocal count
        for fact in _all_facts(ctx):
            count += 1
            yield fact

    total = recompute(counted())
    for model in SUMMARY_MODELS:
        model._default_manager.all().delete()
    _apply(_folded({cell: +amounts for cell, amounts in total.items() if +amounts}, _fold_cutoff(ctx)))
    return count


class SummaryObserver:
    """Keeps the cells in step with every report the reporting module changes (balai.lapor.hooks), in the
    report's own transaction."""

    def before(self, report: Report) -> Fact:
        return report_fact(report)

    def after(self, before: Fact | None, report: Report) -> Fact | None:
        return report_changed(before, report)


OBSERVER = SummaryObserver()
