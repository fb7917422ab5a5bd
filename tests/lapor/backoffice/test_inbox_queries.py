"""The inboxes make the same number of queries whatever the number of reports on the page (no N+1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.lapor.models import Category
from tests.factories import make_report

from .steps import client_for, dispatched

pytestmark = pytest.mark.django_db


def _fill(count: int, coordinator: Any) -> None:
    """`count` open reports: a third received, a third verified and dispatched to PUPR with support, a third to Dinkes."""
    health = Category.objects.get(slug="layanan-kesehatan")
    for index in range(count):
        if index % 3 == 0:
            make_report(photos=0)
        elif index % 3 == 1:
            dispatched(make_report(), coordinator, supporting=["dishub"])
        else:
            dispatched(make_report(category=health), coordinator, lead="dinkes", supporting=["dinas-pupr"])


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("coordinator", "/staf/laporan/"),
        ("coordinator", "/staf/laporan/?status=all&category=jalan-rusak"),
        ("operator_pupr", "/staf/laporan/"),
        ("operator_pupr", "/staf/laporan/?status=all"),
        ("head_pupr", "/staf/laporan/"),
        ("coordinator", "/staf/"),
        ("operator_pupr", "/staf/"),
    ],
)
def test_an_inbox_page_makes_the_same_number_of_queries_for_3_and_30_reports(
    request, coordinator, django_assert_num_queries, who, url
):
    client = client_for(request.getfixturevalue(who))
    _fill(3, coordinator)
    few = _queries(client, url)

    _fill(27, coordinator)
    with django_assert_num_queries(few):
        response = client.get(url)

    print(f"\n{who} {url}: {few} queries with 3 reports, the same with 30")
    assert response.status_code == 200
    listed = response.content.decode().count('href="/staf/laporan/BTG-')
    assert listed >= 8 if url == "/staf/" else listed >= 10, "the second page really lists more reports"
