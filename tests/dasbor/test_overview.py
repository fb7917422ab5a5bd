"""The command center page: who may read it, what each reader sees, drill-downs, exports and the wall screen."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.core.models import Unit
from tests.factories import make_report
from tests.lapor.backoffice.steps import client_for, dispatched, text

URL = "/staf/dasbor/"


@pytest.fixture
def reports(city: Any, coordinator: Any) -> dict[str, Any]:
    pupr = [dispatched(make_report(title=f"Jalan rusak {i}"), coordinator) for i in range(2)]
    dinkes = dispatched(make_report(title="Puskesmas tutup"), coordinator, lead="dinkes")
    waiting = make_report(title="Belum diverifikasi")
    return {"pupr": pupr, "dinkes": dinkes, "waiting": waiting}


def test_a_citizen_is_sent_to_sign_in(city: Any) -> None:
    response = client_for().get(URL)
    assert response.status_code == 302 and "/staf/masuk/" in response["Location"]


def test_a_signed_in_person_without_a_role_is_refused(city: Any) -> None:
    nobody = get_user_model().objects.create_user("warga", password="x")
    assert client_for(nobody).get(URL).status_code == 403


def test_the_coordinator_sees_the_whole_pemda(reports: Any, coordinator: Any) -> None:
    response = client_for(coordinator).get(URL)
    page = text(response)
    assert response.context["k"].received == 4 and response.context["k"].open_now == 4
    names = [row["name"] for row in response.context["ranking"].rows]
    assert Unit.objects.get(slug="dinas-pupr").name in names and Unit.objects.get(slug="dinkes").name in names
    assert "Command center" in page and "OPD ranking" in page


def test_the_head_of_an_opd_sees_only_their_opd_and_cannot_widen_it(reports: Any, head_pupr: Any) -> None:
    client = client_for(head_pupr)
    response = client.get(URL)
    pupr = Unit.objects.get(slug="dinas-pupr")
    assert response.context["k"].received == 2
    assert [row["name"] for row in response.context["ranking"].rows] == [pupr.name]
    assert "Puskesmas tutup" not in text(response)
    widened = client.get(URL, {"opd": "dinkes"})
    assert widened.context["k"].received == 2  # an OPD outside the reach is not a valid choice
    exported = client.get(URL, {"format": "csv", "table": "peringkat-opd"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == pupr.name


def test_drilling_down_to_one_opd_narrows_every_figure(reports: Any, coordinator: Any) -> None:
    response = client_for(coordinator).get(URL, {"opd": "dinkes"})
    assert response.context["k"].received == 1 and response.context["k"].open_now == 1
    links = [row.get("url") for row in response.context["ranking"].rows]
    assert any(link and "opd=dinkes" in link for link in links)


def test_the_wall_screen_refreshes_itself_and_hides_the_navigation(reports: Any, pimpinan: Any) -> None:
    page = text(client_for(pimpinan).get(URL, {"layar": "penuh"}))
    assert 'http-equiv="refresh"' in page and 'class="dash wall"' in page
    assert "staff-nav" not in page and "dash-filters" not in page


def test_the_whole_page_exports_as_one_workbook(reports: Any, coordinator: Any) -> None:
    from openpyxl import load_workbook

    response = client_for(coordinator).get(URL, {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4


def test_the_number_of_queries_does_not_grow_with_the_reports(
    city: Any, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(coordinator)
    for i in range(3):
        dispatched(make_report(title=f"Laporan {i}"), coordinator)
    # The reporting module's page takes up to 40; each joining module's headline figures add one or two.
    with django_assert_max_num_queries(46) as few:
        client.get(URL)
    for i in range(30):
        dispatched(make_report(title=f"Laporan lagi {i}"), coordinator, lead="dinkes" if i % 2 else "dinas-pupr")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)
