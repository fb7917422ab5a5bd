"""The coordinator opens the command-center map: clusters and markers by status, a popup, the report behind it.

Map tiles are blocked in these tests (see the conftest), so the map is drawn on its grey background; the
markers, clusters, legend and popups are all ours and must load under the strict Content-Security-Policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from balai.lapor.models import Category, Report
from tests.e2e.test_backoffice_journey import sign_in
from tests.e2e.test_citizen_journey import DESKTOP, PHONE, axe_violations, describe, screenshot
from tests.factories import kelurahan, make_report
from tests.lapor.backoffice.steps import dispatched, finished

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
MAP = "/staf/dasbor/peta/"


def _at(lat: float, lng: float) -> dict[str, Decimal]:
    return {"latitude": Decimal(f"{lat:.6f}"), "longitude": Decimal(f"{lng:.6f}")}


def _city_with_reports() -> dict[str, Any]:
    """Ten reports on one market street (a cluster), and three on their own across the city."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    coordinator, operator = users.get(username="koordinator"), users.get(username="operator.pupr")
    rubbish, drains = Category.objects.get(slug="sampah"), Category.objects.get(slug="drainase")
    market = [
        make_report(
            title=f"Sampah menumpuk di los {n} Pasar Girian", category=rubbish, **_at(1.4412 + n * 0.000005, 125.1801)
        )
        for n in range(10)
    ]
    road = dispatched(make_report(title="Jalan berlubang di Jl. Sam Ratulangi", **_at(1.4700, 125.2200)), coordinator)
    late = dispatched(
        make_report(
            title="Got tersumbat di Aertembaga",
            category=drains,
            kelurahan=kelurahan("Pakadoodan"),
            **_at(1.4300, 125.2100),
        ),
        coordinator,
    )
    Report.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=3))
    done = finished(make_report(title="Lampu jalan mati di Madidir", **_at(1.4550, 125.1500)), coordinator, operator)
    return {"market": market, "road": road, "late": late, "done": done}


def test_the_coordinator_sees_clusters_and_markers_by_status_and_opens_a_report_from_its_popup(new_page: NewPage):
    reports = _city_with_reports()
    page = new_page(DESKTOP)
    sign_in(page, "koordinator")

    page.goto(MAP)
    expect(page.locator("#dash-map-box[data-ready]")).to_have_count(1)
    cluster = page.locator(".map-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_contain_text("10")
    expect(page.locator(".map-pin .pin-late")).to_have_count(1)
    expect(page.locator(".map-pin .pin-opd")).to_have_count(1)
    expect(page.locator("#map-status")).to_have_text(re.compile(r"12"))  # the open ones: 10 + road + late
    screenshot(page, "dasbor-map", DESKTOP)

    page.locator(".map-pin .pin-late").click()
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup).to_contain_text(reports["late"].code)
    expect(popup.locator(".due-over")).to_be_visible()
    screenshot(page, "dasbor-map-popup", DESKTOP)
    with page.expect_navigation():
        popup.locator(f"a[href='/staf/laporan/{reports['late'].code}/']").click()
    expect(page).to_have_url(re.compile(f"/staf/laporan/{reports['late'].code}/$"))

    # Every report, finished ones too, on a phone; the filters fold away above the map.
    page.set_viewport_size(PHONE)
    page.goto(MAP + "?group=all")
    expect(page.locator("#dash-map-box[data-ready]")).to_have_count(1)
    expect(page.locator("#map-filter-box")).not_to_have_attribute("open", "")
    expect(page.locator(".map-pin .pin-done")).to_have_count(1)
    cluster = page.locator(".map-cluster")
    expect(cluster).to_have_count(1)
    screenshot(page, "dasbor-map-all", PHONE)
    cluster.click()  # zooms in until the ten reports of the market separate or spread out
    expect(page.locator(".map-pin .pin-new")).to_have_count(10)


def test_without_javascript_the_map_page_lists_the_newest_reports_with_links(new_page: NewPage):
    reports = _city_with_reports()
    page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, "koordinator")

    page.goto(MAP + "?category=jalan-rusak")
    expect(page.locator("#dash-map-box")).to_be_hidden()
    expect(page.locator("table.map-list tbody tr")).to_have_count(1)
    expect(page.locator(f"table.map-list a[href='/staf/laporan/{reports['road'].code}/']")).to_be_visible()
    screenshot(page, "dasbor-map-nojs", PHONE)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_map_page_has_no_serious_accessibility_problems(new_page: NewPage, axe_js: Path, viewport):
    _city_with_reports()
    # Injecting axe is an inline script: this page alone bypasses the CSP (the test above keeps it).
    page = new_page(viewport, bypass_csp=True)
    sign_in(page, "koordinator")
    page.goto(MAP + "?group=all")
    expect(page.locator("#dash-map-box[data-ready]")).to_have_count(1)
    page.locator(".map-pin .pin-done").click()
    expect(page.locator(".leaflet-popup .map-popup")).to_be_visible()
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")

    violations = axe_violations(page, axe_js)

    assert not violations, "axe found serious or critical problems:\n" + describe(violations)
