"""The map's points: newest first, capped with a capped count, filtered, coloured, and a constant number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from balai.core.models import Wilayah
from balai.dasbor.access import dashboard_scope
from balai.dasbor.map import MapFilters, MapResult, map_points
from balai.dasbor.map_views import count_sentence, map_sentence
from balai.lapor import services
from balai.lapor.models import Category, Report
from tests.factories import kelurahan, make_report
from tests.lapor.backoffice.steps import client_for, dispatched, finished, in_progress

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")  # Kota Bitung
POINTS = "/staf/dasbor/peta/titik.json"
PAGE = "/staf/dasbor/peta/"
PLACE = {"latitude": Decimal("1.4412"), "longitude": Decimal("125.1801")}


def _points(user: Any, limit: int = 100, count_cap: int = 1000, **filters: Any) -> MapResult:
    now = timezone.now()
    return map_points(
        dashboard_scope(user), MapFilters(**filters), now=now, soon=now + timedelta(days=1), limit=limit,
        count_cap=count_cap,
    )  # fmt: skip


def _codes(result: MapResult) -> list[str]:
    return [p.code for p in result.points]


def _received(count: int, time_machine: Any, start: datetime) -> list[Report]:
    """`count` new reports with a place, one a day from `start`: the last is the newest."""
    made = []
    for day in range(count):
        time_machine.move_to(start + timedelta(days=day), tick=False)
        made.append(make_report(**PLACE))
    return made


def test_the_newest_points_come_first_and_the_rest_are_only_counted(city, coordinator, time_machine):
    made = _received(7, time_machine, datetime(2026, 3, 2, 9, 0, tzinfo=WITA))

    result = _points(coordinator, limit=5)

    assert _codes(result) == [r.code for r in reversed(made)][:5]
    assert (result.capped, result.total, result.total_at_least) == (True, 7, False)


def test_a_count_beyond_the_cap_is_told_as_more_than_the_cap(city, coordinator, time_machine):
    _received(7, time_machine, datetime(2026, 3, 2, 9, 0, tzinfo=WITA))

    result = _points(coordinator, limit=3, count_cap=6)

    assert (len(result.points), result.capped, result.total, result.total_at_least) == (3, True, 6, True)
    with translation.override("en"):
        assert map_sentence(result) == (
            "Showing the 3 newest of more than 6 reports. Narrow the filters to see the others."
        )
        assert count_sentence(result) == "More than 6 reports with a marked place match these filters."


def test_points_within_the_limit_are_all_shown_and_not_capped(city, coordinator, time_machine):
    made = _received(3, time_machine, datetime(2026, 3, 2, 9, 0, tzinfo=WITA))

    result = _points(coordinator, limit=3)

    assert (sorted(_codes(result)), result.capped, result.total) == (sorted(r.code for r in made), False, 3)
    with translation.override("en"):
        assert map_sentence(result) == "All 3 reports are on the map."


def test_newest_first_holds_across_statuses_read_separately(city, coordinator, operator_pupr, time_machine):
    """Each status is read on its own; the merge must still give one list, newest first."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=WITA)
    time_machine.move_to(start, tick=False)
    dispatched(make_report(**PLACE), coordinator)  # the oldest
    time_machine.move_to(start + timedelta(days=1), tick=False)
    middle = make_report(**PLACE)
    time_machine.move_to(start + timedelta(days=2), tick=False)
    newest = in_progress(make_report(**PLACE), coordinator, operator_pupr)

    result = _points(coordinator, limit=2)

    assert _codes(result) == [newest.code, middle.code]
    assert (result.capped, result.total) == (True, 3)


def test_the_status_groups_keep_open_overdue_finished_or_every_report(city, coordinator, operator_pupr, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=WITA), tick=False)
    late = dispatched(make_report(**PLACE), coordinator)
    paused = services.report_request_clarification(
        report=make_report(**PLACE), actor=coordinator, version=None, question="RT berapa?"
    )
    done = finished(make_report(**PLACE), coordinator, operator_pupr)
    archived = services.report_archive(report=make_report(**PLACE), actor=coordinator, version=None, reason="spam")
    time_machine.move_to(datetime(2026, 4, 20, 9, 0, tzinfo=WITA), tick=False)  # every deadline has passed
    fresh = dispatched(make_report(**PLACE), coordinator)

    def group(name: str) -> set[str]:
        return set(_codes(_points(coordinator, group=name)))

    assert group("open") == {late.code, paused.code, fresh.code}
    assert group("overdue") == {late.code}
    assert group("finished") == {done.code}
    assert group("all") == {late.code, paused.code, done.code, archived.code, fresh.code}
    markers = {p.code: (p.marker, p.due) for p in _points(coordinator, group="all").points}
    assert markers == {
        late.code: ("late", "over"),
        paused.code: ("new", "paused"),
        done.code: ("done", ""),
        archived.code: ("closed", ""),
        fresh.code: ("opd", ""),
    }


def test_the_filters_keep_a_category_an_opd_a_kecamatan_or_a_recent_period(city, coordinator, time_machine):
    health = Category.objects.get(slug="layanan-kesehatan")
    other_place = kelurahan("Pakadoodan")
    time_machine.move_to(datetime(2026, 1, 5, 9, 0, tzinfo=WITA), tick=False)
    old = make_report(**PLACE)
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=WITA), tick=False)
    road = dispatched(make_report(**PLACE), coordinator)
    clinic = dispatched(make_report(category=health, **PLACE), coordinator, lead="dinkes")
    elsewhere = make_report(kelurahan=other_place, **PLACE)
    waiting = {old.code, elsewhere.code}

    def codes(**filters: Any) -> set[str]:
        return set(_codes(_points(coordinator, **filters)))

    assert codes(category="layanan-kesehatan") == {clinic.code}
    assert codes(unit="dinas-pupr") == {road.code}
    assert codes(unit="none") == waiting
    assert codes(kecamatan=other_place.parent_id) == {elsewhere.code}
    assert codes(period=30) == {road.code, clinic.code, elsewhere.code}
    assert codes(period=90) == {road.code, clinic.code, elsewhere.code, old.code}
    assert codes(kecamatan=other_place.parent_id, category="jalan-rusak") == {elsewhere.code}
    assert codes(kecamatan=other_place.parent_id, category="layanan-kesehatan") == set()
    assert codes(group="all", category="layanan-kesehatan", unit="dinkes") == {clinic.code}
    assert codes(category="no-such-category") == codes(unit="no-such-opd") == set()


def test_a_point_carries_the_public_title_cut_short_never_the_reporters_own_words(city, coordinator):
    own_words = "Jalan rusak depan rumah Pak Budi Santoso nomor 12, anaknya jatuh kemarin"
    cleaned = dispatched(make_report(title=own_words, **PLACE), coordinator, public_title="Jalan rusak di Jl. Sagerat")
    long = make_report(title="Sampah " + "menumpuk sangat banyak " * 6, **PLACE)

    body = client_for(coordinator).get(POINTS).json()
    titles = {row[0]: row[body["fields"].index("title")] for row in body["points"]}

    assert titles[cleaned.code] == "Jalan rusak di Jl. Sagerat"
    assert "Budi" not in str(body)
    assert len(titles[long.code]) == 80
    assert titles[long.code].endswith("…")


def test_the_filter_form_narrows_the_points_the_same_way_through_the_address(city, coordinator):
    health = Category.objects.get(slug="layanan-kesehatan")
    road = dispatched(make_report(**PLACE), coordinator)
    clinic = dispatched(make_report(category=health, **PLACE), coordinator, lead="dinkes")
    client = client_for(coordinator)

    body = client.get(POINTS + "?category=layanan-kesehatan").json()
    page = client.get(PAGE + "?category=layanan-kesehatan").content.decode()

    assert [row[0] for row in body["points"]] == [clinic.code]
    assert f"/staf/laporan/{clinic.code}/" in page
    assert f"/staf/laporan/{road.code}/" not in page


def test_open_these_in_the_inbox_carries_the_same_filters(city, coordinator, head_pupr):
    kec = Wilayah.objects.get(code=kelurahan().parent_id)

    coordinator_page = client_for(coordinator).get(
        PAGE + f"?group=overdue&category=jalan-rusak&unit=dinas-pupr&kecamatan={kec.code}&period=90"
    )
    head_page = client_for(head_pupr).get(PAGE + "?group=finished&category=jalan-rusak")

    assert (
        f'href="/staf/laporan/?due=overdue&amp;category=jalan-rusak&amp;kecamatan={kec.code}&amp;unit=dinas-pupr"'
        in coordinator_page.content.decode()
    )
    assert 'href="/staf/laporan/?status=selesai&amp;category=jalan-rusak"' in head_page.content.decode()


def _fill(count: int, coordinator: Any, operator: Any) -> None:
    """`count` reports with a place in every kind of state, of two OPD, some with support."""
    health = Category.objects.get(slug="layanan-kesehatan")
    for index in range(count):
        if index % 4 == 0:
            make_report(**PLACE)
        elif index % 4 == 1:
            dispatched(make_report(**PLACE), coordinator, supporting=["dishub"])
        elif index % 4 == 2:
            dispatched(make_report(category=health, **PLACE), coordinator, lead="dinkes", supporting=["dinas-pupr"])
        else:
            finished(make_report(**PLACE), coordinator, operator)


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("coordinator", PAGE),
        ("coordinator", POINTS),
        ("coordinator", POINTS + "?group=all&category=jalan-rusak&period=30"),
        ("head_pupr", PAGE + "?group=all"),
        ("operator_pupr", POINTS + "?group=all"),
        ("pimpinan", POINTS + "?group=overdue"),
    ],
)
def test_the_map_makes_the_same_number_of_queries_for_4_and_40_reports(
    request, coordinator, operator_pupr, django_assert_num_queries, who, url
):
    client = client_for(request.getfixturevalue(who))
    _fill(4, coordinator, operator_pupr)
    few = _queries(client, url)

    _fill(36, coordinator, operator_pupr)
    with django_assert_num_queries(few):
        response = client.get(url)

    assert response.status_code == 200
    assert Report.objects.count() == 40


@pytest.mark.parametrize(
    ("who", "filters"),
    [
        ("coordinator", {}),
        ("coordinator", {"group": "all"}),
        ("coordinator", {"group": "overdue", "period": 30}),
        ("coordinator", {"group": "all", "category": "jalan-rusak"}),
        ("coordinator", {"kecamatan": "71.72.04", "category": "jalan-rusak"}),
        ("coordinator", {"group": "finished", "unit": "dinkes"}),
        ("coordinator", {"unit": "none"}),
        ("head_pupr", {"group": "all"}),
    ],
)
def test_the_map_reads_reports_through_indexes_never_the_whole_table(request, city, coordinator, who, filters):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans a tiny test table by cost (a sequential scan is cheapest there)")
    _fill(8, coordinator, request.getfixturevalue("operator_pupr"))
    with CaptureQueriesContext(connection) as captured:
        _points(request.getfixturevalue(who), limit=2, count_cap=5, **filters)

    plans = []
    with connection.cursor() as cursor:
        for query in captured:
            if "lapor_report" in query["sql"]:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plans.extend(row[-1] for row in cursor.fetchall())

    assert any("USING INDEX" in line or "USING COVERING INDEX" in line for line in plans)
    assert not [line for line in plans if line.startswith("SCAN lapor_report")], "\n".join(plans)
