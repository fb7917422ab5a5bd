"""The public list filtered by kecamatan and status: the same reports, newest first, page by page, with the same
capped count; and on SQLite, whatever its statistics say, read through the (kecamatan, status) index alone,
not through every public report or every report of the kecamatan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from balai.lapor import paging
from balai.lapor.models import Report, Status
from tests.factories import kelurahan, make_report

from .test_lists_at_scale import result_count
from .test_public_pages import listed_codes, page_links

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_on_arrival")]


@pytest.fixture
def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def _with_status(report: Report, status: str) -> Report:
    Report.objects.filter(pk=report.pk).update(status=status)
    return report


@pytest.fixture
def girian(city: Any) -> str:
    """The kecamatan of the factories' default kelurahan (Girian Bawah)."""
    return kelurahan().parent_id or ""


@pytest.fixture
def verified_in_girian(girian: str, coordinator: Any) -> list[Report]:
    """23 verified public reports in Girian, newest last, among reports that must not be listed with them."""
    wanted = []
    for index in range(23):
        wanted.append(_with_status(make_report(title=f"Jalan berlubang nomor {index}"), Status.DIVERIFIKASI))
        if index % 6 == 0:
            make_report(title="Masih diterima")  # same kecamatan, another status
            _with_status(make_report(kelurahan=kelurahan("Pasir Panjang")), Status.DIVERIFIKASI)  # elsewhere
            _with_status(make_report(is_confidential=True), Status.DIVERIFIKASI)  # rahasia
    return wanted


def test_a_kecamatan_and_a_status_list_their_public_reports_newest_first_page_by_page(
    verified_in_girian, girian, english
):
    filters = {"status": Status.DIVERIFIKASI, "kecamatan": girian}

    first = english.get("/laporan/", filters)
    second = english.get("/laporan/" + page_links(first)["next"])

    newest_first = [r.code for r in reversed(verified_in_girian)]
    assert listed_codes(first) == newest_first[:20]
    assert listed_codes(second) == newest_first[20:]
    assert result_count(first) == "23 reports"
    assert "next" not in page_links(second)
    assert listed_codes(english.get("/laporan/", {**filters, "halaman": 9})) == newest_first[20:]  # the last page


def test_reports_received_at_the_same_moment_come_newest_id_first(verified_in_girian, girian, client):
    moment = timezone.now() - timedelta(days=1)
    Report.objects.filter(pk__in=[r.pk for r in verified_in_girian]).update(created_at=moment)

    listed = listed_codes(client.get("/laporan/", {"status": Status.DIVERIFIKASI, "kecamatan": girian}))

    assert listed == [r.code for r in sorted(verified_in_girian, key=lambda r: -r.pk)][:20]


def test_a_kecamatan_and_a_status_with_more_reports_than_the_cap_say_more(
    verified_in_girian, girian, english, monkeypatch
):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)

    response = english.get("/laporan/", {"status": Status.DIVERIFIKASI, "kecamatan": girian})

    assert result_count(response) == "More than 3 reports"
    assert len(listed_codes(response)) == 20


def test_a_kecamatan_alone_lists_its_public_reports_of_every_status_but_archived(girian, coordinator, client):
    received = make_report()
    finished = _with_status(make_report(), Status.SELESAI)
    _with_status(make_report(), Status.DIARSIPKAN)
    make_report(is_confidential=True)
    make_report(kelurahan=kelurahan("Pasir Panjang"))

    assert listed_codes(client.get("/laporan/", {"kecamatan": girian})) == [finished.code, received.code]


def test_the_page_of_a_kecamatan_is_read_by_ids_then_rows_on_sqlite(girian, client, django_assert_num_queries):
    for _ in range(3):
        make_report()
    client.get("/laporan/")  # the process's copies of categories and places

    # The shared versions of the kept copies (balai.core.changes), then SQLite: the page's ids, their rows, the
    # capped count; PostgreSQL: the page, the count.
    with django_assert_num_queries(4 if connection.vendor == "sqlite" else 3):
        response = client.get("/laporan/", {"kecamatan": girian, "status": Status.DITERIMA})

    assert len(listed_codes(response)) == 3


# The plan at a million reports

# With the million run's statistics (tests/lapor/conftest.py `million_statistics`) every index that starts with
# a kecamatan, a status or is_confidential looked like 1,001 reports per value, and (kecamatan, status) no
# narrower than the kecamatan alone. The planner then counted a kecamatan's reports of one status through
# report_public_recent (every public report: 400 ms) and read the page through report_kecamatan_recent.


def _plans(captured: CaptureQueriesContext) -> list[tuple[str, list[str]]]:
    """Each statement that read lapor_report, with the lines of its plan that name lapor_report."""
    plans = []
    with connection.cursor() as cursor:
        for query in captured:
            if 'FROM "lapor_report"' in query["sql"]:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plans.append((query["sql"], [row[-1] for row in cursor.fetchall() if "lapor_report" in row[-1]]))
    return plans


@pytest.mark.parametrize("page", [1, 2, 5])  # 5: past the end, the last page is read again
def test_with_a_millions_statistics_a_kecamatan_and_a_status_are_read_from_their_index_alone(
    verified_in_girian, girian, client, million_statistics, page
):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/laporan/", {"status": Status.DIVERIFIKASI, "kecamatan": girian, "halaman": page})
    assert response.status_code == 200
    assert len(listed_codes(response)) == (20 if page == 1 else 3)

    plans = _plans(captured)
    shown = "\n\n".join("\n".join(plan) for _sql, plan in plans)
    assert len(plans) == (3 if page < 5 else 5), shown
    for sql, plan in plans:
        if '"lapor_report"."id" IN (' in sql:  # the page's rows, by their ids
            assert plan == ["SEARCH lapor_report USING INTEGER PRIMARY KEY (rowid=?)"], shown
        else:  # the page's ids, the capped count
            index = "report_kecamatan_status_public (kecamatan_id=? AND status=?)"
            assert plan == [f"SEARCH lapor_report USING COVERING INDEX {index}"], shown


def test_with_a_millions_statistics_a_status_is_read_from_an_index_of_statuses(
    verified_in_girian, client, million_statistics
):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/laporan/", {"status": Status.DIVERIFIKASI, "halaman": 2})
    assert len(listed_codes(response)) == 7  # 23 in Girian and 4 elsewhere, less the first page

    plans = _plans(captured)
    shown = "\n\n".join("\n".join(plan) for _sql, plan in plans)
    page, count = plans
    assert page[1] == ["SEARCH lapor_report USING INDEX report_status_recent (status=?)"], shown
    assert len(count[1]) == 1, shown
    assert count[1][0].endswith("(status=?)"), shown  # report_status_recent or report_status_due, both bounded
