"""The map is a location: a point marked on the report form fills in the kelurahan when the Pemda has imported
its kelurahan boundaries, and a report without kelurahan waits in the inbox until the coordinator sets it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from balai.lapor.models import Report
from tests.e2e.test_backoffice_journey import sign_in
from tests.e2e.test_citizen_journey import (
    DESKTOP,
    PHONE,
    TITLE,
    NewPage,
    screenshot,
    submit,
    tracking_code_on_confirmation,
)
from tests.factories import make_report

pytestmark = pytest.mark.e2e

BOUNDARIES = Path(__file__).resolve().parent.parent / "fixtures" / "bitung-kelurahan.geojson"
GIRIAN_ATAS = "71.72.06.1001"  # the fixture's square around the middle of Kota Bitung's map


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_marking_the_point_fills_in_the_kelurahan_from_the_boundaries(new_page: NewPage, viewport):
    call_command("wilayah", "boundaries", str(BOUNDARIES), stdout=io.StringIO())
    page = new_page(viewport)
    page.goto("/lapor/", timeout=30_000)  # the first page of the live server builds its caches
    form = page.locator("#report-form")
    form.locator("input[name=kind][value=pengaduan]").check()
    form.locator("#id_category").select_option(label="Jalan rusak")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_description").fill("Lubang besar di tengah jalan sejak dua minggu, berbahaya untuk motor.")
    expect(form.locator("#id_kelurahan")).to_have_value("")

    page.locator("#map-open").click()
    expect(page.locator("#map .leaflet-container, #map.leaflet-container")).to_have_count(1)
    page.locator("#map").click()  # the middle of the city's map, inside the fixture's Girian Atas

    expect(form.locator("#id_kelurahan")).to_have_value(GIRIAN_ATAS)
    expect(form.locator("#id_kecamatan")).to_have_value("Kec. Girian")
    expect(page.locator("#map-status")).to_contain_text("Girian Atas")
    page.locator("#map-status").scroll_into_view_if_needed()
    screenshot(page, "form-kelurahan-from-map", viewport)
    form.locator("#id_reporter_name").fill("Maria Tumewu")
    form.locator("#id_reporter_phone").fill("0812 3456 7890")
    form.locator("#id_consent").check()
    submit(page)

    code = tracking_code_on_confirmation(page)
    assert Report.objects.get(code=code).kelurahan_id == GIRIAN_ATAS


def test_the_coordinator_sees_kelurahan_to_be_set_and_sets_it_when_verifying(new_page: NewPage):
    report = make_report(kelurahan=None, latitude="1.441200", longitude="125.161700")
    page = new_page(DESKTOP, locale="en-US")
    sign_in(page, "koordinator")
    page.goto("/staf/laporan/?lang=en")
    row = page.locator("tr", has=page.locator(f"a[href='/staf/laporan/{report.code}/']"))
    expect(row.locator(".place-todo")).to_be_visible()
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        screenshot(page, "inbox-kelurahan-to-be-set", viewport)
    page.set_viewport_size(DESKTOP)

    page.goto(f"/staf/laporan/{report.code}/")
    panel = page.locator("#action-verify")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.locator("#id_verify-kelurahan").select_option("71.72.02.1001")
    screenshot(page, "verify-sets-kelurahan", DESKTOP)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()

    report.refresh_from_db()
    assert (report.kelurahan_id, report.kecamatan_id) == ("71.72.02.1001", "71.72.02")
