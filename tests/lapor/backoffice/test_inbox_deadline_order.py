"""The inbox of those who see every report (and the urgent list of their "my work") comes in deadline order
from the deadline index, whatever SQLite's statistics say, and lists the same reports as before."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from balai.core.access import staff_scope
from balai.lapor import selectors
from balai.lapor.models import Category, Report, Status
from tests.factories import make_report

from .steps import client_for, dispatched, in_progress

pytestmark = pytest.mark.django_db

# The plan tests use the million run's statistics (tests/lapor/conftest.py `million_statistics`): for an index
# that starts with the status SQLite guessed 1,001 reports per status (there were 125,000); the open reports'
# deadline index it estimated well (57,096 of 57,341). The planner then believed that the five open statuses
# hold 5,005 reports, read them through report_status_due and sorted them all (106 ms a page).


def _fill(coordinator: Any, operator: Any) -> list[Report]:
    """Open reports in every open state with deadlines past and to come, one without a deadline, one finished."""
    health = Category.objects.get(slug="layanan-kesehatan")
    reports = [make_report() for _ in range(16)]
    reports += [dispatched(make_report(), coordinator) for _ in range(8)]
    reports += [dispatched(make_report(category=health), coordinator, lead="dinkes") for _ in range(4)]
    reports += [in_progress(make_report(), coordinator, operator) for _ in range(4)]
    now = timezone.now()
    for index, report in enumerate(reports):
        # Deadlines spread over the past and the future, some shared (then the older report comes first).
        Report.objects.filter(pk=report.pk).update(
            due_at=None if report.due_at is None else now + timedelta(hours=(index * 7) % 11 - 5),
            verify_due_at=now + timedelta(hours=(index * 5) % 9 - 4),
        )
    Report.objects.filter(pk=reports[0].pk).update(due_at=None, verify_due_at=None)
    in_progress(make_report(), coordinator, operator)  # then finished below: not in the inbox
    Report.objects.filter(pk=Report.objects.latest("created_at").pk).update(status=Status.SELESAI)
    return list(Report.objects.filter(pk__in=[r.pk for r in reports]))


def _in_deadline_order(reports: list[Report]) -> list[str]:
    far = timezone.now() + timedelta(days=36500)
    return [r.code for r in sorted(reports, key=lambda r: (r.due_at or r.verify_due_at or far, r.created_at))]


def _codes(content: bytes) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/staf/laporan/(BTG-[A-Z0-9-]+)/"', content.decode())))


@pytest.mark.parametrize("who", ["coordinator", "pimpinan"])
def test_an_inbox_that_sees_everything_lists_open_reports_by_deadline_missing_deadlines_last(
    request, coordinator, operator_pupr, who
):
    reports = _fill(coordinator, operator_pupr)
    scope = staff_scope(request.getfixturevalue(who))
    assert scope.sees_all
    now = timezone.now()
    inbox = selectors.staff_inbox(scope, selectors.InboxFilters(), now=now, soon=now + timedelta(hours=2))
    expected = _in_deadline_order(reports)

    assert expected[-1] == Report.objects.get(due_at=None, verify_due_at=None).code
    for offset, limit in [(0, 8), (0, 26), (5, 6), (20, 10), (25, 3), (40, 5)]:
        page = selectors.staff_inbox_slice(scope, inbox, offset, limit, filters=selectors.InboxFilters())
        assert [r.code for r in page] == expected[offset : offset + limit]
        assert page == list(inbox[offset : offset + limit])  # what the plain queryset reads
    assert all(hasattr(r, "deadline") for r in page)  # the annotation the template reads


def test_the_inbox_pages_and_the_staff_home_list_the_same_reports_in_deadline_order(coordinator, operator_pupr):
    reports = _fill(coordinator, operator_pupr)
    staff = client_for(coordinator)
    expected = _in_deadline_order(reports)

    first, second = (_codes(staff.get("/staf/laporan/", {"halaman": n}).content) for n in (1, 2))
    home = staff.get("/staf/").content

    assert len(first) == 25
    assert first + second == expected
    assert _codes(home) == expected[:8]


def test_overdue_and_due_soon_are_the_open_reports_whose_deadline_is_past_or_near(coordinator, operator_pupr):
    reports = _fill(coordinator, operator_pupr)
    scope = staff_scope(coordinator)
    now = timezone.now()
    soon = now + timedelta(hours=2)
    for due, wanted in [
        ("overdue", lambda d: d < now),
        ("soon", lambda d: now <= d <= soon),
    ]:
        filters = selectors.InboxFilters(due=due)
        inbox = selectors.staff_inbox(scope, filters, now=now, soon=soon)
        expected = _in_deadline_order(
            [r for r in reports if (r.due_at or r.verify_due_at) and wanted(r.due_at or r.verify_due_at)]
        )

        assert expected
        assert [r.code for r in selectors.staff_inbox_slice(scope, inbox, 0, 100, filters=filters)] == expected
        assert [r.code for r in selectors.staff_inbox_slice(scope, inbox, 2, 3, filters=filters)] == expected[2:5]


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("coordinator", "/staf/"),
        ("coordinator", "/staf/laporan/"),
        ("coordinator", "/staf/laporan/?halaman=2"),
        ("coordinator", "/staf/laporan/?due=overdue"),
        ("coordinator", "/staf/laporan/?due=soon&halaman=2"),
        ("pimpinan", "/staf/laporan/"),
    ],
)
def test_with_a_millions_statistics_the_inbox_reads_its_order_from_the_deadline_index(
    request, coordinator, operator_pupr, million_statistics, who, url
):
    _fill(coordinator, operator_pupr)
    with CaptureQueriesContext(connection) as captured:
        response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == 200

    plans = []
    with connection.cursor() as cursor:
        for query in captured:
            if 'FROM "lapor_report"' in query["sql"] and "ORDER BY" in query["sql"]:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plans.append([row[-1] for row in cursor.fetchall()])

    shown = "\n\n".join("\n".join(plan) for plan in plans)
    assert any("lapor_report USING INDEX report_open_deadline" in line for plan in plans for line in plan), shown
    for plan in plans:
        if "USE TEMP B-TREE FOR ORDER BY" in plan:
            # Sorting the page's rows read by their ids is fine; sorting every open report is what grew.
            assert any("lapor_report USING INTEGER PRIMARY KEY" in line for line in plan), shown
