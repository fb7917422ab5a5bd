"""Units and people in a browser: the system administrator appoints an operator to a second OPD, who then finds
that OPD's reports on "My work" and on the readiness page.

Each screen is photographed at 360×800 and 1366×768 into var/screens/ (not committed) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from balai.core.models import AuditEvent, Membership, Unit
from balai.core.registry import Backlog
from balai.core.services import membership_grant
from tests.dasbor.conftest import without_joining_modules
from tests.dasbor.second_module import EDITOR, LABEL, second_module
from tests.e2e.test_backoffice_journey import sign_in
from tests.e2e.test_citizen_journey import DESKTOP, PHONE, axe_violations, describe

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


def screens(page: Page, name: str) -> None:
    """The page at a phone's size and a laptop's, full length; the page is left at the laptop size."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=SCREENS / f"{name}-{viewport['width']}x{viewport['height']}.png", full_page=True)
        width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width <= visible, f"{name} is wider than the screen at {viewport['width']}px"
    page.set_viewport_size(DESKTOP)


def test_the_administrator_appoints_an_operator_who_then_sees_that_opd_s_work(new_page: NewPage):
    admin = new_page(DESKTOP)
    sign_in(admin, "admin")
    admin.locator(".staff-nav").get_by_role("link", name="Unit dan petugas").click()
    expect(admin).to_have_url(re.compile(r"/staf/unit/$"))
    screens(admin, "units")

    admin.locator("#q").fill("lingkungan")
    admin.locator("#q").press("Enter")
    admin.get_by_role("link", name="Dinas Lingkungan Hidup").click()
    expect(admin.locator("h1")).to_have_text("Dinas Lingkungan Hidup")

    # A typo first: the page says so and keeps what was typed.
    admin.locator("#id_username").fill("operator.dinks")
    admin.locator("#id_role").select_option("lapor:operator")
    admin.locator(".grant-form button[type=submit]").click()
    expect(admin.locator(".error-summary")).to_be_visible()
    expect(admin.locator("#id_username")).to_have_value("operator.dinks")
    screens(admin, "unit-members-error")

    admin.locator("#id_username").fill("operator.dinkes")
    admin.locator(".grant-form button[type=submit]").click()
    expect(admin.locator(".messages")).to_contain_text("Grace Tumbelaka kini memegang peran")
    expect(admin.locator("table")).to_contain_text("Grace Tumbelaka")
    screens(admin, "unit-members")
    assert Membership.objects.filter(
        user__username="operator.dinkes", unit__slug="dlh", module="lapor", role="operator", is_active=True
    ).exists()
    assert AuditEvent.objects.filter(action="membership.grant", changes__unit="dlh").exists()

    operator = new_page(DESKTOP)
    sign_in(operator, "operator.dinkes")
    expect(operator.locator(".whoami")).to_contain_text("Dinas Lingkungan Hidup")
    expect(operator.locator(".whoami")).to_contain_text("Dinas Kesehatan")
    expect(operator.locator(".work-section")).to_have_count(1)
    expect(operator.locator(".work-section .work-tiles")).to_be_visible()
    screens(operator, "home-operator")

    operator.goto("/staf/dasbor/kesiapan/")
    expect(operator.locator("table.readiness")).to_contain_text("Dinas Lingkungan Hidup")
    expect(operator.locator("table.readiness")).to_contain_text("Dinas Kesehatan")
    screens(operator, "readiness-operator")

    coordinator = new_page(DESKTOP)
    sign_in(coordinator, "koordinator")
    screens(coordinator, "home-coordinator")
    coordinator.goto("/staf/dasbor/kesiapan/")
    screens(coordinator, "readiness")
    coordinator.goto("/staf/dasbor/kesiapan/dlh/")
    screens(coordinator, "readiness-opd")


@pytest.fixture
def only_lapor() -> Any:
    """The pages as they were with lapor alone; each joining module tests its own readiness column."""
    yield from without_joining_modules()


def test_the_readiness_pages_with_a_second_application(new_page: NewPage, only_lapor: Any):
    """Before a second module exists: the table and the OPD page with one registered for the test."""
    with second_module() as situs:
        editor = get_user_model().objects.create_user(username="web.pupr", first_name="Yohanis", last_name="Sondakh")
        membership_grant(actor=None, user=editor, unit=Unit.objects.get(slug="dinas-pupr"), module=LABEL, role=EDITOR)
        situs.backlogs[Unit.objects.get(slug="dinas-pupr").pk] = Backlog(open=4, new=1, overdue=2)
        page = new_page(DESKTOP)
        sign_in(page, "koordinator")
        page.goto("/staf/dasbor/kesiapan/")
        expect(page.locator("table.readiness tbody").first.locator("tr")).to_have_count(2)
        screens(page, "readiness-two-modules")
        page.goto("/staf/dasbor/kesiapan/dinas-pupr/")
        expect(page.locator(".module-readiness")).to_have_count(2)
        screens(page, "readiness-opd-two-modules")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", ["/staf/unit/", "/staf/unit/dinkes/anggota/"], ids=["units", "members"])
def test_units_and_people_have_no_serious_accessibility_problems(new_page: NewPage, axe_js: Path, viewport, path):
    # Injecting axe is an inline script: these pages alone bypass the CSP (the journey above keeps it).
    page = new_page(viewport, bypass_csp=True)
    sign_in(page, "admin")
    page.goto(path)
    if path.endswith("anggota/"):
        page.locator(".grant-form button[type=submit]").click()  # with the error summary shown

    violations = axe_violations(page, axe_js)

    assert not violations, "axe found serious or critical problems:\n" + describe(violations)
