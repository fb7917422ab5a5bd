"""Working-day arithmetic over a calendar of weekends, holidays and overrides (framework-free).

A deadline of N working days from a moment falls at the end of the Nth working day after the
day of that moment, in the Pemda's local time: a report received on Monday with 3 working days
is due at the end of Thursday; one received on Saturday is due at the end of Wednesday.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

# Far enough that a typo in a deadline cannot loop for ever.
MAX_WORKING_DAYS = 3660


@lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[date, str]:
    """Indonesian national holidays and cuti bersama (government category) of one year."""
    found = holidays_lib.country_holidays("ID", years=year, categories=("public", "government"), language="id")
    return dict(found.items())


class WorkCalendar:
    """Weekends and national holidays are off; a Pemda adds days off and may declare a holiday a working day."""

    def __init__(
        self,
        tz: ZoneInfo | str = "Asia/Jakarta",
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_working_days = frozenset(extra_working_days)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return day.weekday() < 5 and day not in national_holidays(day.year)

    def local_date(self, moment: datetime) -> date:
        if moment.tzinfo is None:
            raise ValueError("naive datetimes are not accepted")
        return moment.astimezone(self.tz).date()

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end (local time) of the `days`-th working day after the day of `start`."""
        if days < 0 or days > MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}")
        day = self.local_date(start)
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        if days == 0:
            return start
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.tz)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after the day of `start` up to and including the day of `end` (negative if end < start)."""
        first, last = self.local_date(start), self.local_date(end)
        if last < first:
            return -self.working_days_between(end, start)
        count = 0
        day = first
        while day < last:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
