"""OPD readiness in a browser: the coordinator finds the OPD that are not ready, an operator reads the guide.

The pages are in Indonesian, as the demo city's staff see them; every page loads under the strict CSP.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from balai.core.models import TrainingKind, TrainingRecord
from balai.core.services import training_record
from tests.e2e.test_backoffice_journey import sign_in
from tests.e2e.test_citizen_journey import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
LIST = "/staf/dasbor/kesiapan/"


def _pupr_ready() -> None:
    """Dinas PUPR's operator is trained and was seen today: the one ready OPD of the demo city."""
    operator = get_user_model().objects.get(username="operator.pupr")
    training_record(
        actor=None, user=operator, kind=TrainingKind.BIMTEK, title="Bimtek Balai angkatan I", date=date(2026, 2, 12),
        organiser="Diskominfo Kota Bitung",
    )  # fmt: skip
    get_user_model().objects.filter(pk=operator.pk).update(last_login=timezone.now())


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coordinator_sees_how_many_opd_are_ready_and_opens_a_not_ready_one(new_page: NewPage, viewport):
    _pupr_ready()
    page = new_page(viewport)
    sign_in(page, "koordinator")

    page.get_by_role("link", name="Kesiapan OPD").click()

    expect(page.locator("#answer")).to_have_text("1 dari 13 OPD siap")
    rows = page.locator("table.readiness tbody tr")
    expect(rows).to_have_count(13)
    expect(rows.last).to_contain_text("Dinas Pekerjaan Umum dan Penataan Ruang")
    expect(rows.last.locator(".verdict")).to_have_text("Siap")
    screenshot(page, "readiness-list", viewport)

    page.get_by_role("link", name="Dinas Kesehatan").click()

    expect(page.locator("h1")).to_have_text("Dinas Kesehatan")
    expect(page.locator(".flag h3")).to_have_text(
        ["Tidak ada operator yang aktif dalam 10 hari kerja terakhir", "Operator belum dilatih"]
    )
    expect(page.locator(".operator")).to_contain_text("Grace Tumbelaka")
    expect(page.locator(".operator")).to_contain_text("belum pernah")
    screenshot(page, "readiness-opd", viewport)


def test_an_operator_reads_the_guide_and_confirms_it_once(new_page: NewPage):
    page = new_page(PHONE)
    sign_in(page, "operator.dinkes")

    # "My work" points an operator without training to the guide.
    page.get_by_role("link", name="Baca panduan sepuluh menit").click()
    expect(page.locator("h1")).to_have_text("Panduan untuk operator OPD")
    page.get_by_role("button", name="Nyatakan").click()
    expect(page.locator("#field-read .errorlist")).to_be_visible()
    page.get_by_label("Saya sudah membaca panduan ini").check()
    page.get_by_role("button", name="Nyatakan").click()

    expect(page.locator(".messages")).to_contain_text("Terima kasih")
    expect(page.locator(".guide-done")).to_be_visible()
    expect(page.get_by_role("button", name="Nyatakan")).to_have_count(0)
    screenshot(page, "guide-confirmed", PHONE)
    page.locator(".staff-nav").get_by_role("link", name="Tugas saya").click()
    expect(page.get_by_role("link", name="Baca panduan sepuluh menit")).to_have_count(0)
    (record,) = TrainingRecord.objects.filter(user__username="operator.dinkes")
    assert record.kind == TrainingKind.GUIDE


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", [LIST, f"{LIST}dinas-pupr/", "/staf/panduan/"], ids=["list", "opd", "guide"])
def test_the_readiness_pages_and_the_guide_have_no_serious_accessibility_problems(
    new_page: NewPage, axe_js: Path, viewport, path
):
    _pupr_ready()
    # Injecting axe is an inline script: these pages alone bypass the CSP (the tests above keep it).
    page = new_page(viewport, bypass_csp=True)
    sign_in(page, "koordinator")
    page.goto(path)
    if path.endswith("dinas-pupr/"):
        page.locator(".rules-details summary").click()

    violations = axe_violations(page, axe_js)

    assert not violations, "axe found serious or critical problems:\n" + describe(violations)


def test_on_a_phone_every_main_link_of_a_signed_in_officer_is_in_view(new_page: NewPage):
    page = new_page(PHONE)
    sign_in(page, "koordinator")
    page.goto("/laporan/")

    nav = page.locator("nav.main-nav")
    width, visible_width = nav.evaluate("n => [n.scrollWidth, n.clientWidth]")
    assert width <= visible_width  # nothing hidden behind a sideways scroll
    links = nav.locator("a")
    assert links.count() == 5
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "staff-main-nav-phone")
