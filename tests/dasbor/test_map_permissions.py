"""Who sees which points on the command-center map, and what a point tells about a report (never who sent it)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.lapor.models import Category, Report
from tests.factories import make_report
from tests.lapor.backoffice.steps import client_for, dispatched

pytestmark = pytest.mark.django_db

PAGE = "/staf/dasbor/peta/"
POINTS = "/staf/dasbor/peta/titik.json"
REPORTER = {"reporter_name": "Yohanes Rumengan", "reporter_email": "yohanes.r@example.id",
            "reporter_phone": "+6281299887766"}  # fmt: skip


def _at(lat: str, lng: str) -> dict[str, Decimal]:
    return {"latitude": Decimal(lat), "longitude": Decimal(lng)}


@pytest.fixture
def reports(coordinator: Any) -> dict[str, Report]:
    """One report of each kind of visibility, all open, all with a place but one."""
    health = Category.objects.get(slug="layanan-kesehatan")
    return {
        "pupr": dispatched(make_report(**_at("1.4412", "125.1801")), coordinator),
        "dinkes_with_pupr_support": dispatched(
            make_report(category=health, **_at("1.4450", "125.1850")),
            coordinator,
            lead="dinkes",
            supporting=["dinas-pupr"],
        ),
        "dinkes": dispatched(make_report(category=health, **_at("1.4501", "125.1902")), coordinator, lead="dinkes"),
        "received": make_report(**_at("1.4550", "125.1950")),
        "pupr_without_place": dispatched(make_report(), coordinator),
        "pupr_rahasia": dispatched(
            make_report(
                title="Pungutan di kantor kelurahan", is_confidential=True, **REPORTER, **_at("1.4600", "125.2000")
            ),
            coordinator,
        ),
    }


def _codes(client: Any, query: str = "") -> set[str]:
    response = client.get(POINTS + query)
    assert response.status_code == 200
    body = response.json()
    code = body["fields"].index("code")
    return {row[code] for row in body["points"]}


def _listed(client: Any, query: str = "") -> set[str]:
    """The codes the page lists (without JavaScript), from the links to the staff report pages."""
    response = client.get(PAGE + query)
    assert response.status_code == 200
    return {r.code for r in Report.objects.all() if f'href="/staf/laporan/{r.code}/"' in response.content.decode()}


EVERYTHING = {"pupr", "dinkes_with_pupr_support", "dinkes", "received", "pupr_rahasia"}
MATRIX = {
    "coordinator": EVERYTHING,
    "pimpinan": EVERYTHING,
    "sysadmin": EVERYTHING,
    "head_pupr": {"pupr", "dinkes_with_pupr_support", "pupr_rahasia"},
    "operator_pupr": {"pupr", "dinkes_with_pupr_support", "pupr_rahasia"},
    "operator_dinkes": {"dinkes_with_pupr_support", "dinkes"},
}


@pytest.mark.parametrize(("who", "expected"), MATRIX.items(), ids=MATRIX.keys())
def test_each_reader_gets_the_points_of_the_reports_they_may_open_and_only_those(request, reports, who, expected):
    client = client_for(request.getfixturevalue(who))
    wanted = {reports[name].code for name in expected}

    assert _codes(client) == wanted
    assert _listed(client) == wanted


@pytest.mark.parametrize("who", ["head_pupr", "operator_pupr"])
@pytest.mark.parametrize(
    "query", ["?unit=dinkes", "?unit=none", "?unit=dinkes&group=all", "?group=all&category=layanan-kesehatan"]
)
def test_an_opd_reader_cannot_widen_the_map_to_other_opd_by_the_address(request, reports, who, query):
    client = client_for(request.getfixturevalue(who))
    own = {reports["pupr"].code, reports["dinkes_with_pupr_support"].code, reports["pupr_rahasia"].code}

    assert _codes(client, query) <= own
    assert _listed(client, query) <= own
    assert reports["dinkes"].code not in _codes(client, query)


def test_an_opd_reader_is_offered_no_choice_of_opd_and_the_coordinator_every_opd(reports, head_pupr, coordinator):
    head_page = client_for(head_pupr).get(PAGE).content.decode()
    coordinator_page = client_for(coordinator).get(PAGE).content.decode()

    assert 'name="unit"' not in head_page
    assert 'name="unit"' in coordinator_page
    assert 'value="dinkes"' in coordinator_page


@pytest.mark.parametrize("url", [PAGE, POINTS])
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_sign_in_page(reports, url):
    response = client_for().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/staf/masuk/")


@pytest.mark.parametrize("url", [PAGE, POINTS])
def test_a_signed_in_citizen_without_a_staff_role_is_refused(reports, url):
    citizen = get_user_model().objects.create_user(username="warga", password="x-long-enough-password")

    response = client_for(citizen).get(url)

    assert response.status_code == 403
    assert reports["pupr"].code not in response.content.decode()


def test_reports_without_a_marked_place_are_left_off_the_map_and_its_list(reports, coordinator):
    client = client_for(coordinator)

    assert reports["pupr_without_place"].code not in _codes(client, "?group=all")
    assert reports["pupr_without_place"].code not in _listed(client, "?group=all")


@pytest.mark.parametrize("who", ["coordinator", "head_pupr", "operator_pupr"])
def test_a_rahasia_report_is_on_the_staff_map_without_anything_about_its_reporter(request, reports, who):
    client = client_for(request.getfixturevalue(who))
    rahasia = reports["pupr_rahasia"]

    response = client.get(POINTS)
    body = response.json()
    row = next(dict(zip(body["fields"], row, strict=True)) for row in body["points"] if row[0] == rahasia.code)
    page = client.get(PAGE).content.decode()

    assert row["confidential"] is True
    assert row["title"] == "Pungutan di kantor kelurahan"
    assert set(body["fields"]) == {"code", "lat", "lng", "status", "marker", "title", "due", "confidential"}
    for secret in (*REPORTER.values(), rahasia.reporter_token):
        assert secret not in response.content.decode()
        assert secret not in page


def test_the_points_are_private_to_the_reader_and_never_kept_by_a_shared_cache(reports, coordinator):
    response = client_for(coordinator).get(POINTS)

    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert json.loads(response.content)["total"] == len(EVERYTHING)
