"""Periods of a report type and their deadlines: the month, quarter or year a report covers, the working-day
deadline after it ends (core working-day calendar), and on time / late / missing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.lib.workdays import WorkCalendar

from .models import Period

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-T([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """`key` as stored and written in email subjects: 2026-11, 2026-T4, 2026, or an incident's day 2026-11-03."""

    start: dt.date
    end: dt.date  # the last day
    key: str

    def label(self) -> str:
        from django.utils.formats import date_format

        if _MONTH.match(self.key):
            return date_format(self.start, "F Y")
        if _QUARTER.match(self.key):
            return _("quarter %(q)s %(year)s") % {"q": self.key[-1], "year": self.start.year}
        if _YEAR.match(self.key):
            return str(self.start.year)
        return date_format(self.start, "j F Y")


def _month(year: int, month: int) -> ReportPeriod:
    start = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return ReportPeriod(start, nxt - dt.timedelta(days=1), f"{year:04d}-{month:02d}")


def period_parse(period: str, key: str) -> ReportPeriod:
    """The period a key names, for a report type of this period kind; PeriodError when it names none."""
    key = key.strip().upper().replace("Q", "T")
    try:
        if period == Period.MONTHLY and (m := _MONTH.match(key)):
            return _month(int(m[1]), int(m[2]))
        if period == Period.QUARTERLY and (m := _QUARTER.match(key)):
            year, q = int(m[1]), int(m[2])
            first, last = _month(year, q * 3 - 2), _month(year, q * 3)
            return ReportPeriod(first.start, last.end, f"{year:04d}-T{q}")
        if period == Period.YEARLY and (m := _YEAR.match(key)):
            year = int(m[1])
            return ReportPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year:04d}")
        if period == Period.INCIDENT and (m := _DAY.match(key)):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return ReportPeriod(day, day, day.isoformat())
    except ValueError as exc:
        raise PeriodError(str(exc)) from exc
    raise PeriodError(key)


def period_containing(period: str, day: dt.date) -> ReportPeriod:
    if period == Period.MONTHLY:
        return _month(day.year, day.month)
    if period == Period.QUARTERLY:
        return period_parse(period, f"{day.year}-T{(day.month - 1) // 3 + 1}")
    if period == Period.YEARLY:
        return period_parse(period, str(day.year))
    return period_parse(period, day.isoformat())


def period_previous(period: str, current: ReportPeriod) -> ReportPeriod:
    return period_containing(period, current.start - dt.timedelta(days=1))


def periods_ended(period: str, today: dt.date, count: int) -> list[ReportPeriod]:
    """The last `count` periods that have ended by `today`, the newest first (none for incident reports)."""
    if period == Period.INCIDENT or count <= 0:
        return []
    current = period_previous(period, period_containing(period, today))
    found = [current]
    while len(found) < count:
        current = period_previous(period, current)
        found.append(current)
    return found


def deadline(calendar: WorkCalendar, report_period: ReportPeriod, working_days: int) -> dt.datetime:
    """The end of the `working_days`-th working day after the period's last day (local time)."""
    tz = calendar.tz if isinstance(calendar.tz, ZoneInfo) else ZoneInfo(str(calendar.tz))
    last = dt.datetime.combine(report_period.end, dt.time(12), tzinfo=tz)
    if working_days == 0:
        return dt.datetime.combine(report_period.end, dt.time(23, 59, 59), tzinfo=tz)
    return calendar.add_working_days(last, working_days)


class Timeliness(StrEnum):
    ON_TIME = "tepat"
    LATE = "terlambat"
    MISSING = "belum"  # not sent and the deadline passed
    PENDING = "menunggu"  # not sent, the deadline still ahead


def timeliness(*, first_sent_at: dt.datetime | None, due_at: dt.datetime, now: dt.datetime) -> Timeliness:
    if first_sent_at is not None:
        return Timeliness.ON_TIME if first_sent_at <= due_at else Timeliness.LATE
    return Timeliness.MISSING if now > due_at else Timeliness.PENDING


TIMELINESS_LABELS = {
    Timeliness.ON_TIME: gettext_lazy("on time"),
    Timeliness.LATE: gettext_lazy("late"),
    Timeliness.MISSING: gettext_lazy("missing"),
    Timeliness.PENDING: gettext_lazy("not yet due"),
}
