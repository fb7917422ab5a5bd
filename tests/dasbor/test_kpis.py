"""Each KPI on a small hand-made month whose right answers are worked out by hand, holidays included.

March 2026 in Kota Bitung (WITA): 18–24 March are Nyepi, Idul Fitri and their cuti bersama; weekends are off.
  R1  Mon 2 Mar reported, Tue 3 verified (1 working day), light weight (2), finished Wed 4: on time, 2 days; rated 5.
  R2  Wed 18 Mar reported (a holiday), Wed 25 verified (1 working day: 19–24 are off), normative (5 → due end of
      Wed 1 Apr), finished Thu 2 Apr: late, 7 working days (25, 26, 27, 30, 31 Mar, 1, 2 Apr).
  R3  Fri 6 Mar reported, Mon 9 verified (1), light (due end of Wed 11), finished Fri 13: late, 5 days.
  R4  Tue 10 Mar reported, rahasia, never verified: open, verification overdue since Fri 13 Mar.
  R5  Wed 11 Mar reported, archived as spam on Thu 12.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from balai.dasbor.selectors import Filters, Period, Reach, breakdown, kpis, opd_ranking, trend
from balai.lapor import services
from balai.lapor.models import ArchiveReason, Weight
from tests.factories import make_report
from tests.lapor.backoffice.steps import dispatched, unit

WITA = ZoneInfo("Asia/Makassar")
MARCH = Period(first=date(2026, 3, 1), last=date(2026, 3, 1))
MARCH_APRIL = Period(first=date(2026, 3, 1), last=date(2026, 4, 1))
NOW = datetime(2026, 5, 1, 9, tzinfo=WITA)


def at(day: int, month: int = 3, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=WITA)


@pytest.fixture
def march(city: Any, coordinator: Any, operator_pupr: Any, time_machine: Any) -> dict[str, Any]:
    def walk(reported: datetime, verified: datetime, weight: str, finished: datetime) -> Any:
        time_machine.move_to(reported, tick=False)
        report = make_report()
        time_machine.move_to(verified, tick=False)
        report = dispatched(report, coordinator, weight=weight)
        report = services.report_accept(report=report, actor=operator_pupr, version=None)
        time_machine.move_to(finished, tick=False)
        return services.report_finish(report=report, actor=operator_pupr, version=None, answer="Sudah.")

    r1 = walk(at(2), at(3), Weight.RINGAN, at(4, hour=10))
    time_machine.move_to(at(6, hour=8), tick=False)
    services.report_rate(report=r1, rating=5)
    r2 = walk(at(18), at(25), Weight.NORMATIF, at(2, month=4))
    r3 = walk(at(6), at(9), Weight.RINGAN, at(13))
    time_machine.move_to(at(10), tick=False)
    r4 = make_report(is_confidential=True)
    time_machine.move_to(at(11), tick=False)
    r5 = make_report()
    time_machine.move_to(at(12), tick=False)
    services.report_archive(report=r5, actor=coordinator, version=None, reason=ArchiveReason.SPAM)
    time_machine.move_to(NOW, tick=False)
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5}


def test_march_figures_for_the_whole_pemda(march: Any) -> None:
    k = kpis(period=MARCH, filters=Filters(), reach=Reach(), now=NOW)
    assert (k.received, k.verified, k.finished, k.finished_on_time) == (5, 3, 2, 1)
    assert k.sla == 0.5
    assert (k.verify_median, k.verify_p90) == (1, 1)
    assert (k.finish_median, k.finish_p90) == (2, 5)  # nearest rank over [2, 5]
    assert (k.rated, k.rating_avg) == (1, 5.0)
    assert (k.open_now, k.overdue_now, k.verify_overdue_now) == (1, 0, 1)


def test_a_two_month_period_counts_the_report_finished_in_april(march: Any) -> None:
    k = kpis(period=MARCH_APRIL, filters=Filters(), reach=Reach(), now=NOW)
    assert (k.received, k.finished, k.finished_on_time) == (5, 3, 1)
    assert k.sla == pytest.approx(1 / 3)
    assert (k.finish_median, k.finish_p90) == (5, 7)  # over [2, 5, 7]
    april = kpis(period=Period(date(2026, 4, 1), date(2026, 4, 1)), filters=Filters(), reach=Reach(), now=NOW)
    assert (april.received, april.finished, april.finished_on_time, april.finish_median) == (0, 1, 0, 7)


def test_the_public_never_counts_rahasia_or_archived_reports(march: Any) -> None:
    k = kpis(period=MARCH, filters=Filters(), reach=Reach.everyone(), now=NOW)
    assert (k.received, k.verified, k.finished) == (3, 3, 2)
    assert k.open_now == 0  # the only open report is rahasia


def test_an_opd_reader_counts_only_its_own_reports(march: Any) -> None:
    pupr, dinkes = unit("dinas-pupr"), unit("dinkes")
    mine = kpis(period=MARCH, filters=Filters(), reach=Reach(units=frozenset({pupr.pk})), now=NOW)
    assert (mine.received, mine.finished, mine.finish_median, mine.open_now) == (3, 2, 2, 0)
    other = kpis(period=MARCH, filters=Filters(), reach=Reach(units=frozenset({dinkes.pk})), now=NOW)
    assert (other.received, other.finished, other.open_now) == (0, 0, 0)
    # A filter cannot widen the reach: asking for another OPD inside one's own gives nothing.
    widened = kpis(period=MARCH, filters=Filters(unit=pupr.pk), reach=Reach(units=frozenset({dinkes.pk})), now=NOW)
    assert widened.received == 0


def test_filters_by_category_and_kecamatan(march: Any) -> None:
    r1 = march["r1"]
    by_category = kpis(period=MARCH, filters=Filters(category=r1.category_id), reach=Reach(), now=NOW)
    assert by_category.received == 5  # the factory files every report in the same category
    by_place = kpis(period=MARCH, filters=Filters(kecamatan=r1.kecamatan_id), reach=Reach(), now=NOW)
    assert by_place.received == sum(1 for r in march.values() if r.kecamatan_id == r1.kecamatan_id)
    crossed = kpis(period=MARCH, filters=Filters(category=r1.category_id, kecamatan=r1.kecamatan_id), reach=Reach())
    assert crossed.finish_median is None and crossed.percentiles_note
    assert crossed.received == by_place.received  # two filters: counted from the full cube, same answer


def test_breakdown_by_opd_and_ranking(march: Any) -> None:
    pupr = unit("dinas-pupr")
    table = breakdown(by="unit", period=MARCH, filters=Filters(), reach=Reach(), now=NOW)
    rows = {row["key"]: row for row in table.rows}
    assert rows[pupr.pk]["received"] == 3 and rows[pupr.pk]["finished"] == 2 and rows[pupr.pk]["sla"] == 0.5
    assert rows[pupr.pk]["finish_median"] == 2
    assert rows[0]["received"] == 2 and rows[0]["open_now"] == 1  # R4 and R5: never dispatched
    ranking = opd_ranking(period=MARCH, reach=Reach(), now=NOW)
    names = [row["name"] for row in ranking.rows]
    assert pupr.name in names and len(names) == len(set(names)) >= 10  # every OPD, once, also those with nothing
    assert all(row["key"] != 0 for row in ranking.rows)


def test_trend_by_week_and_month(march: Any) -> None:
    months = trend(grain="M", period=MARCH_APRIL, filters=Filters(), reach=Reach())
    assert [(r["period"], r["received"], r["finished"]) for r in months.rows] == [
        (date(2026, 3, 1), 5, 2),
        (date(2026, 4, 1), 0, 1),
    ]
    weeks = trend(grain="W", period=MARCH_APRIL, filters=Filters(), reach=Reach())
    received = {r["period"]: r["received"] for r in weeks.rows}
    # Weeks start on Monday: R1 and R3 (2 and 6 March), R4 and R5 (10 and 11), R2 (18).
    assert {d: n for d, n in received.items() if n} == {date(2026, 3, 2): 2, date(2026, 3, 9): 2, date(2026, 3, 16): 1}
    assert len(weeks.rows) == 12 and weeks.rows[-1]["period"] == date(2026, 4, 27)
