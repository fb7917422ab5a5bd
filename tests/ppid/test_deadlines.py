"""The law's clock on a hand-made calendar: the notice, the extension, the objection window and its answer."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from balai.lib.workdays import WorkCalendar
from balai.ppid import services
from balai.ppid.models import InformationRequest

TZ = ZoneInfo("Asia/Makassar")
# A hand-made year: only weekends are off, plus a long holiday of 8-19 June 2026 (two weeks, as around Lebaran).
HOLIDAY = [date(2026, 6, d) for d in range(8, 20)]


class Plain(WorkCalendar):
    def is_working_day(self, day: date) -> bool:
        return day not in HOLIDAY and day.weekday() < 5


CAL = Plain(TZ)


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def test_a_request_on_friday_before_a_long_holiday_is_due_ten_working_days_after_it() -> None:
    # Friday 5 June; 8-19 June off; working days: 22,23,24,25,26, 29,30, 1,2,3 July.
    assert services.notice_due(at(2026, 6, 5), CAL).date() == date(2026, 7, 3)


def test_the_extension_adds_seven_working_days_to_the_ten() -> None:
    # 10 working days from Monday 2 March: 16 March; 7 more: 25 March.
    assert services.notice_due(at(2026, 3, 2), CAL).date() == date(2026, 3, 16)
    assert services.extended_due(at(2026, 3, 2), CAL).date() == date(2026, 3, 25)


def test_the_objection_window_runs_from_the_notice_or_from_the_missed_deadline() -> None:
    answered = InformationRequest(received_at=at(2026, 5, 1), due_at=at(2026, 5, 15), notice_at=at(2026, 5, 29))
    # 30 working days after Friday 29 May, skipping 8-19 June: 1-5 June (5), 22 June-10 July (15), 13-24 July (10).
    assert services.objection_deadline(answered, CAL).date() == date(2026, 7, 24)
    unanswered = InformationRequest(received_at=at(2026, 5, 1), due_at=at(2026, 5, 15, 23))
    # From 15 May: 18-22 (5), 25-29 (10), 1-5 June (15), 22 June-3 July (25), 6-10 July (30).
    assert services.objection_deadline(unanswered, CAL).date() == date(2026, 7, 10)


def test_the_atasan_answers_within_thirty_working_days_of_the_objection() -> None:
    # From Monday 1 June: 2-5 June (4), 22 June-24 July (29), Monday 27 July (30).
    assert services.objection_answer_due(at(2026, 6, 1), CAL).date() == date(2026, 7, 27)


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 1)))
def test_the_extended_deadline_is_always_seven_working_days_after_the_first(day: date) -> None:
    start = datetime(day.year, day.month, day.day, 9, tzinfo=TZ)
    first, extended = services.notice_due(start, CAL), services.extended_due(start, CAL)
    assert CAL.working_days_between(first, extended) == 7
    assert CAL.working_days_between(start, first) == 10
