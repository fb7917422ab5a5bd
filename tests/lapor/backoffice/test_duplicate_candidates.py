"""The duplicate candidates of a report: open, same category, within two weeks, nearby or in the same kelurahan,
the earliest first; read by place through their own indexes, never through every open report of the month."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from balai.lapor.models import OPEN_STATUSES, Category, Report, Status
from balai.lapor.selectors import DUPLICATE_DAYS, DUPLICATE_DEGREES, duplicate_candidates
from tests.factories import kelurahan, make_report

pytestmark = pytest.mark.django_db

# Near Pasar Winenet, Kota Bitung.
LAT, LNG = Decimal("1.441000"), Decimal("125.182000")
CLOSED_STATUSES = [status for status in Status.values if status not in OPEN_STATUSES]
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_default_timezone())


def _report(*, days: float = 0, dlat: str | None = "0", dlng: str = "0", status: str = "", **kwargs: Any) -> Report:
    """A report submitted `days` after MONDAY, `dlat`/`dlng` degrees from the market (dlat=None: no point)."""
    if dlat is not None:
        kwargs.update(latitude=LAT + Decimal(dlat), longitude=LNG + Decimal(dlng))
    report = make_report(**kwargs)
    changes: dict[str, Any] = {"created_at": MONDAY + timedelta(days=days)}
    if status:
        changes["status"] = status
    Report.objects.filter(pk=report.pk).update(**changes)
    report.refresh_from_db()
    return report


def codes(reports: list[Report]) -> list[str]:
    return [report.code for report in reports]


def test_a_report_without_a_point_finds_the_open_reports_of_its_kelurahan_with_or_without_one(city):
    report = _report(dlat=None)
    pointless = _report(dlat=None, days=1)
    pointed_far = _report(dlat="0.03", days=2)
    _report(dlat=None, days=3, kelurahan=kelurahan("Pakadoodan"))

    assert codes(duplicate_candidates(report)) == codes([pointless, pointed_far])


def test_a_report_with_a_point_finds_nearby_ones_across_a_kelurahan_border(city):
    report = _report()
    across = _report(dlat="0.003", dlng="-0.004", days=1, kelurahan=kelurahan("Pakadoodan"))

    assert codes(duplicate_candidates(report)) == [across.code]


def test_a_report_with_a_point_finds_the_pointless_ones_of_its_kelurahan_but_not_far_ones(city):
    report = _report()
    pointless = _report(dlat=None, days=1)
    _report(dlat="0.02", days=2)  # the same kelurahan, 2 km away
    _report(dlng="-0.006", days=3)  # just outside the square
    _report(dlat=None, days=4, kelurahan=kelurahan("Pakadoodan"))

    assert codes(duplicate_candidates(report)) == [pointless.code]


def test_other_categories_are_not_candidates(city):
    report = _report()
    _report(days=1, category=Category.objects.get(slug="lampu-jalan"))
    _report(dlat=None, days=1, category=Category.objects.get(slug="lampu-jalan"))

    assert duplicate_candidates(report) == []


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_closed_reports_are_not_candidates(city, status):
    report = _report()
    _report(dlat="0.001", days=1, status=status)
    _report(dlat=None, days=1, status=status)

    assert duplicate_candidates(report) == []


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_open_reports_of_every_status_are_candidates(city, status):
    report = _report()
    near = _report(dlat="0.001", days=1, status=status)
    pointless = _report(dlat=None, days=2, status=status)

    assert codes(duplicate_candidates(report)) == codes([near, pointless])


def test_only_reports_within_two_weeks_either_way_are_candidates(city):
    report = _report(days=20)
    for days in (20 - DUPLICATE_DAYS - 0.01, 20 + DUPLICATE_DAYS + 0.01):
        _report(dlat="0.001", days=days)
        _report(dlat=None, days=days)
    first = _report(dlat="0.001", days=20 - DUPLICATE_DAYS)
    last = _report(dlat=None, days=20 + DUPLICATE_DAYS)

    assert codes(duplicate_candidates(report)) == codes([first, last])


def test_the_earliest_candidates_come_first_up_to_the_limit_whichever_way_they_are_close(city):
    report = _report(days=10)
    # Submitted in another order than they arrived by: nearby ones and pointless ones of the kelurahan mixed.
    arrivals = {
        "near-9": _report(dlat="0.002", days=9),
        "pointless-2": _report(dlat=None, days=2),
        "near-4": _report(dlat="-0.004", dlng="0.004", days=4),
        "pointless-12": _report(dlat=None, days=12),
        "near-1": _report(dlng="0.001", days=1),
        "pointless-6": _report(dlat=None, days=6),
        "near-3": _report(dlat="0.001", days=3),
    }
    in_order = sorted(arrivals.values(), key=lambda other: other.created_at)

    assert codes(duplicate_candidates(report)) == codes(in_order[:5])
    assert codes(duplicate_candidates(report, limit=2)) == codes([arrivals["near-1"], arrivals["pointless-2"]])
    assert codes(duplicate_candidates(report, limit=10)) == codes(in_order)


def test_a_report_is_not_its_own_candidate(city):
    report = _report()

    assert duplicate_candidates(report) == []


def _by_definition(report: Report, others: list[Report], limit: int) -> list[Report]:
    """The candidates as they were first written: one condition over every report."""
    degrees = Decimal(str(DUPLICATE_DEGREES))

    def close(other: Report) -> bool:
        if report.latitude is None:
            return other.kelurahan_id == report.kelurahan_id
        if other.latitude is None:
            return other.kelurahan_id == report.kelurahan_id
        assert report.longitude is not None and other.longitude is not None
        return abs(other.latitude - report.latitude) <= degrees and abs(other.longitude - report.longitude) <= degrees

    found = [
        other
        for other in others
        if other.pk != report.pk
        and other.category_id == report.category_id
        and other.status in OPEN_STATUSES
        and abs(other.created_at - report.created_at) <= timedelta(days=DUPLICATE_DAYS)
        and close(other)
    ]
    return sorted(found, key=lambda other: (other.created_at, other.pk))[:limit]


def test_every_report_of_a_mixed_neighbourhood_gets_the_candidates_of_the_definition(city):
    rng = random.Random(7172)
    categories = list(Category.objects.filter(slug__in=["jalan-rusak", "lampu-jalan"]))
    places = [kelurahan(), kelurahan("Pakadoodan")]
    offsets = [None, None, "0", "0.002", "-0.003", "0.0045", "-0.0062", "0.02"]
    reports = [
        _report(
            days=rng.choice([-16, -14, -9, -3, 0, 0, 2, 5, 11, 14, 17]) + rng.random() / 10,
            dlat=rng.choice(offsets),
            dlng=rng.choice(offsets[2:]),
            status=rng.choice([*OPEN_STATUSES, Status.SELESAI, Status.DIARSIPKAN]),
            category=rng.choice(categories),
            kelurahan=rng.choice(places),
        )
        for _ in range(28)
    ]

    found_some = 0
    for report in reports:
        expected = _by_definition(report, reports, limit=3)
        assert codes(duplicate_candidates(report, limit=3)) == codes(expected), report.code
        found_some += bool(expected)
    assert found_some >= 10  # the neighbourhood is dense enough to say something


@pytest.mark.parametrize("pointed", [True, False], ids=["with a point", "without a point"])
def test_candidates_are_read_by_place_never_through_the_category_and_month(city, pointed):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans a tiny test table by cost (a sequential scan is cheapest there)")
    report = _report(dlat="0" if pointed else None)
    for days in range(-3, 4):
        _report(dlat="0.001", days=days)
        _report(dlat=None, days=days, kelurahan=kelurahan("Pakadoodan"))
    with CaptureQueriesContext(connection) as captured:
        duplicate_candidates(report)

    plans = []
    with connection.cursor() as cursor:
        for query in captured:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.extend(row[-1] for row in cursor.fetchall())

    text = "\n".join(plans)
    assert len(captured) == 1
    assert "USING INDEX report_open_kelurahan (kelurahan_id=? AND category_id=?" in text, text
    assert ("USING INDEX report_open_point (category_id=? AND latitude>? AND latitude<?)" in text) == pointed, text
    assert "report_category_status_time" not in text
    assert not [line for line in plans if line.startswith("SCAN lapor_report")], text
