"""The Pemda's working-day calendar: national holidays, plus the days its admin adds or gives back."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from balai.core.models import CalendarDay, CalendarDayKind
from balai.core.selectors import work_calendar

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
IDUL_FITRI_CUTI = date(2026, 3, 23)  # Monday, cuti bersama Idul Fitri
ORDINARY_TUESDAY = date(2026, 3, 10)


def test_the_calendar_uses_the_pemdas_time_zone(city):
    assert work_calendar(city).tz == WITA
    assert work_calendar().tz == WITA


def test_national_holidays_and_cuti_bersama_are_days_off(city):
    calendar = work_calendar(city)

    assert not calendar.is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan, a Monday
    assert not calendar.is_working_day(IDUL_FITRI_CUTI)
    assert not calendar.is_working_day(date(2026, 3, 7))  # Saturday
    assert calendar.is_working_day(ORDINARY_TUESDAY)


@pytest.mark.parametrize("kind", [CalendarDayKind.CUTI_BERSAMA, CalendarDayKind.LIBUR])
def test_a_day_the_pemda_adds_as_cuti_bersama_or_libur_is_a_day_off(city, kind):
    CalendarDay.objects.create(date=ORDINARY_TUESDAY, kind=kind, name="HUT Kota Bitung")

    calendar = work_calendar(city)

    assert not calendar.is_working_day(ORDINARY_TUESDAY)
    assert calendar.is_working_day(date(2026, 3, 11))


def test_a_day_off_moves_a_deadline_one_working_day_later(city):
    monday = datetime(2026, 3, 9, 10, 0, tzinfo=WITA)
    before = work_calendar(city).add_working_days(monday, 3)
    CalendarDay.objects.create(date=ORDINARY_TUESDAY, kind=CalendarDayKind.LIBUR, name="HUT Kota Bitung")

    after = work_calendar(city).add_working_days(monday, 3)

    assert before == datetime(2026, 3, 12, 23, 59, 59, tzinfo=WITA)
    assert after == datetime(2026, 3, 13, 23, 59, 59, tzinfo=WITA)


def test_a_hari_kerja_day_makes_a_holiday_a_working_day(city):
    CalendarDay.objects.create(date=IDUL_FITRI_CUTI, kind=CalendarDayKind.HARI_KERJA, name="Cuti bersama dibatalkan")

    calendar = work_calendar(city)

    assert calendar.is_working_day(IDUL_FITRI_CUTI)
    assert not calendar.is_working_day(date(2026, 3, 24))
    # From Thursday 19 March: 23 March (now a working day), 25 and 26 March.
    received = datetime(2026, 3, 19, 10, 0, tzinfo=WITA)
    assert calendar.add_working_days(received, 3) == datetime(2026, 3, 26, 23, 59, 59, tzinfo=WITA)


def test_a_hari_kerja_day_can_make_a_saturday_a_working_day(city):
    saturday = date(2026, 3, 28)
    CalendarDay.objects.create(date=saturday, kind=CalendarDayKind.HARI_KERJA, name="Hari kerja pengganti")

    assert work_calendar(city).is_working_day(saturday)


def test_the_calendar_is_read_afresh_each_time(city):
    assert work_calendar(city).is_working_day(ORDINARY_TUESDAY)
    day = CalendarDay.objects.create(date=ORDINARY_TUESDAY, kind=CalendarDayKind.LIBUR, name="Pilkada")
    assert not work_calendar(city).is_working_day(ORDINARY_TUESDAY)

    day.delete()

    assert work_calendar(city).is_working_day(ORDINARY_TUESDAY)
