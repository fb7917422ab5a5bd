"""Periods and their deadlines in working days (national holidays and cuti bersama skipped), hand-computed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balai.desa.models import Period
from balai.desa.periods import (
    PeriodError,
    Timeliness,
    deadline,
    period_containing,
    period_parse,
    periods_ended,
    timeliness,
)
from balai.lib.workdays import WorkCalendar

WITA = ZoneInfo("Asia/Makassar")
CAL = WorkCalendar(tz=WITA)


def test_the_march_report_skips_good_friday() -> None:
    # April 2026: Wed 1, Thu 2, (Fri 3 Wafat Yesus Kristus), Mon 6, Tue 7, Wed 8: the fifth working day.
    due = deadline(CAL, period_parse(Period.MONTHLY, "2026-03"), 5)
    assert due == dt.datetime(2026, 4, 8, 23, 59, 59, tzinfo=WITA)


def test_the_december_report_skips_new_year() -> None:
    # January 2026: (Thu 1 Tahun Baru), Fri 2, Mon 5, Tue 6, Wed 7, Thu 8.
    assert deadline(CAL, period_parse(Period.MONTHLY, "2025-12"), 5).date() == dt.date(2026, 1, 8)


def test_the_february_report_skips_nyepi_and_lebaran() -> None:
    # March 2026: Mon 2 … Fri 6 are five working days; 9-13 ten, Mon 16, Tue 17, then (18-24 off) Wed 25 is the 13th.
    assert deadline(CAL, period_parse(Period.MONTHLY, "2026-02"), 13).date() == dt.date(2026, 3, 25)


def test_a_pemda_day_off_moves_the_deadline() -> None:
    calendar = WorkCalendar(tz=WITA, extra_days_off=[dt.date(2026, 4, 1)])
    assert deadline(calendar, period_parse(Period.MONTHLY, "2026-03"), 5).date() == dt.date(2026, 4, 9)


def test_quarters_years_and_incidents_have_their_own_keys() -> None:
    assert period_parse(Period.QUARTERLY, "2026-q4").start == dt.date(2026, 10, 1)
    assert period_parse(Period.QUARTERLY, "2026-T4").end == dt.date(2026, 12, 31)
    assert period_parse(Period.YEARLY, "2025").end == dt.date(2025, 12, 31)
    assert period_parse(Period.INCIDENT, "2026-02-28").key == "2026-02-28"
    with pytest.raises(PeriodError):
        period_parse(Period.MONTHLY, "2026-13")
    with pytest.raises(PeriodError):
        period_parse(Period.MONTHLY, "2026")


def test_the_ended_periods_come_newest_first() -> None:
    keys = [p.key for p in periods_ended(Period.MONTHLY, dt.date(2026, 1, 15), 3)]
    assert keys == ["2025-12", "2025-11", "2025-10"]
    assert [p.key for p in periods_ended(Period.QUARTERLY, dt.date(2026, 1, 15), 2)] == ["2025-T4", "2025-T3"]


def test_on_time_late_missing_and_pending() -> None:
    due = dt.datetime(2026, 4, 8, 23, 59, 59, tzinfo=WITA)
    before, after = due - dt.timedelta(hours=1), due + dt.timedelta(minutes=1)
    assert timeliness(first_sent_at=before, due_at=due, now=after) == Timeliness.ON_TIME
    assert timeliness(first_sent_at=after, due_at=due, now=after) == Timeliness.LATE
    assert timeliness(first_sent_at=None, due_at=due, now=after) == Timeliness.MISSING
    assert timeliness(first_sent_at=None, due_at=due, now=before) == Timeliness.PENDING


@settings(max_examples=12, deadline=None)
@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)), st.integers(1, 20))
def test_a_deadline_is_a_working_day_after_the_period(day: dt.date, days: int) -> None:
    period = period_containing(Period.MONTHLY, day)
    due = deadline(CAL, period, days)
    assert due.date() > period.end
    assert CAL.is_working_day(due.date())
    assert CAL.working_days_between(dt.datetime.combine(period.end, dt.time(12), tzinfo=WITA), due) == days
