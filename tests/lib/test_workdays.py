"""Working-day deadlines: properties over many moments, and the cases a coordinator checks by hand."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balai.lib.workdays import WorkCalendar, national_holidays

WITA = ZoneInfo("Asia/Makassar")
WIB = ZoneInfo("Asia/Jakarta")
END_OF_DAY = time(23, 59, 59)

zones = st.sampled_from([WITA, WIB])
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=zones)  # noqa: DTZ001
calendars = zones.map(lambda tz: WorkCalendar(tz=tz))
counts = st.integers(min_value=0, max_value=80)


@pytest.fixture(autouse=True, scope="module")
def _holidays_computed() -> None:
    # The holidays library computes a year on first use; keep that out of hypothesis' per-example deadline.
    for year in range(2023, 2030):
        national_holidays(year)


def _days_from(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@given(calendar=calendars, start=moments, n=counts)
def test_counting_the_working_days_up_to_a_deadline_gives_back_n(calendar, start, n):
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


@given(calendar=calendars, start=moments, n=st.integers(min_value=1, max_value=80))
def test_a_deadline_is_the_last_second_of_a_working_day_in_local_time(calendar, start, n):
    due = calendar.add_working_days(start, n)

    local = due.astimezone(calendar.tz)
    assert local.time() == END_OF_DAY
    assert local.utcoffset() == datetime.now(calendar.tz).utcoffset()
    assert calendar.is_working_day(local.date())
    assert local.date() > calendar.local_date(start)


@given(calendar=calendars, start=moments, n=st.integers(min_value=0, max_value=79))
def test_one_more_working_day_always_moves_the_deadline_later(calendar, start, n):
    assert calendar.add_working_days(start, n) < calendar.add_working_days(start, n + 1)


@given(start=moments, n=st.integers(min_value=1, max_value=80))
def test_the_deadline_does_not_depend_on_the_zone_the_moment_is_written_in(start, n):
    calendar = WorkCalendar(tz=WITA)
    assert calendar.add_working_days(start, n) == calendar.add_working_days(start.astimezone(WIB), n)


@given(year=st.integers(min_value=2024, max_value=2028), data=st.data())
def test_a_working_day_override_turns_a_holiday_into_a_working_day(year, data):
    holiday = data.draw(st.sampled_from(sorted(national_holidays(year))))
    plain = WorkCalendar(tz=WITA)
    overridden = WorkCalendar(tz=WITA, extra_working_days=[holiday])
    day_before = datetime.combine(holiday - timedelta(days=1), time(9), tzinfo=WITA)
    day_itself = datetime.combine(holiday, time(9), tzinfo=WITA)

    assert not plain.is_working_day(holiday)
    assert overridden.is_working_day(holiday)
    assert overridden.working_days_between(day_before, day_itself) == 1
    assert plain.working_days_between(day_before, day_itself) == 0


@given(start=moments, n=st.integers(min_value=1, max_value=80), data=st.data())
def test_an_extra_day_off_is_skipped_and_pushes_the_deadline_one_working_day_later(start, n, data):
    plain = WorkCalendar(tz=WITA)
    first = plain.local_date(start) + timedelta(days=1)
    last = plain.add_working_days(start, n).date()
    day_off = data.draw(st.sampled_from([d for d in _days_from(first, last) if plain.is_working_day(d)]))
    with_day_off = WorkCalendar(tz=WITA, extra_days_off=[day_off])

    due = with_day_off.add_working_days(start, n)

    assert not with_day_off.is_working_day(day_off)
    assert due.date() != day_off
    assert due == plain.add_working_days(start, n + 1)


def test_the_2026_idul_fitri_holidays_are_the_ones_the_hand_computed_cases_assume():
    holidays_2026 = national_holidays(2026)
    # SKB 2026: Nyepi (19 March, cuti bersama 18), Idul Fitri 1447 H (20–21 March, cuti bersama 20, 23, 24).
    for day in range(18, 25):
        assert date(2026, 3, day) in holidays_2026, f"{day} March 2026"
    assert date(2026, 3, 25) not in holidays_2026
    assert date(2026, 3, 26) not in holidays_2026
    assert date(2026, 3, 27) not in holidays_2026


def test_a_report_on_the_thursday_before_lebaran_is_due_at_the_end_of_friday_27_march():
    # Thursday 19 March 2026 is Nyepi; 20 (Fri), 21–22 (weekend), 23 and 24 (Mon, Tue) are all off,
    # so the three working days are Wednesday 25, Thursday 26 and Friday 27 March.
    calendar = WorkCalendar(tz="Asia/Makassar")
    received = datetime(2026, 3, 19, 10, 0, tzinfo=WITA)

    due = calendar.add_working_days(received, 3)

    assert due == datetime(2026, 3, 27, 23, 59, 59, tzinfo=WITA)
    assert calendar.working_days_between(received, datetime(2026, 3, 26, 23, 59, 59, tzinfo=WITA)) == 2


def test_the_same_moment_in_jakarta_time_gets_the_same_wita_deadline():
    calendar = WorkCalendar(tz="Asia/Makassar")
    received = datetime(2026, 3, 19, 9, 0, tzinfo=WIB)  # 10:00 WITA

    assert calendar.add_working_days(received, 3) == datetime(2026, 3, 27, 23, 59, 59, tzinfo=WITA)


def test_a_late_evening_report_in_jakarta_time_already_counts_from_the_next_wita_day():
    calendar = WorkCalendar(tz="Asia/Makassar")
    # 23:30 WIB on Monday 9 March is 00:30 WITA on Tuesday 10 March.
    received = datetime(2026, 3, 9, 23, 30, tzinfo=WIB)

    assert calendar.add_working_days(received, 1) == datetime(2026, 3, 11, 23, 59, 59, tzinfo=WITA)


def test_a_friday_report_skips_the_weekend():
    calendar = WorkCalendar(tz="Asia/Makassar")
    received = datetime(2026, 3, 6, 15, 30, tzinfo=WITA)  # Friday, no holiday near

    assert calendar.add_working_days(received, 2) == datetime(2026, 3, 10, 23, 59, 59, tzinfo=WITA)


def test_a_saturday_report_with_three_working_days_is_due_on_wednesday():
    calendar = WorkCalendar(tz="Asia/Jakarta")
    received = datetime(2026, 3, 7, 8, 0, tzinfo=WIB)

    assert calendar.add_working_days(received, 3) == datetime(2026, 3, 11, 23, 59, 59, tzinfo=WIB)


def test_zero_working_days_is_the_moment_itself():
    calendar = WorkCalendar(tz="Asia/Makassar")
    received = datetime(2026, 3, 6, 15, 30, tzinfo=WITA)

    assert calendar.add_working_days(received, 0) == received


def test_working_days_between_is_negative_when_the_end_is_before_the_start():
    calendar = WorkCalendar(tz="Asia/Makassar")
    friday = datetime(2026, 3, 6, 15, 30, tzinfo=WITA)
    next_tuesday = datetime(2026, 3, 10, 8, 0, tzinfo=WITA)

    assert calendar.working_days_between(friday, next_tuesday) == 2
    assert calendar.working_days_between(next_tuesday, friday) == -2


def test_it_refuses_naive_datetimes():
    calendar = WorkCalendar(tz="Asia/Makassar")
    naive = datetime(2026, 3, 6, 15, 30)  # noqa: DTZ001

    with pytest.raises(ValueError, match="naive"):
        calendar.add_working_days(naive, 3)
    with pytest.raises(ValueError, match="naive"):
        calendar.working_days_between(naive, datetime(2026, 3, 9, tzinfo=WITA))


def test_it_refuses_a_negative_number_of_working_days():
    calendar = WorkCalendar(tz="Asia/Makassar")

    with pytest.raises(ValueError, match="between 0 and"):
        calendar.add_working_days(datetime(2026, 3, 6, tzinfo=WITA), -1)
