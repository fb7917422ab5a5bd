"""A broken road goes from a citizen's phone through the coordinator and Dinas PUPR back to the citizen.

The coordinator and the OPD operator work on laptops; every staff page is also photographed at phone
width, because officers in the field open the back office on their phones too. Locators use ids, names
and URLs rather than visible text, so the journeys pass in Bahasa Indonesia and in English alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from balai.core.models import Unit
from balai.lapor import services
from balai.lapor.models import Report, Status
from balai.platform.demo import DEMO_PASSWORD
from tests.e2e.test_citizen_journey import (
    DESKTOP,
    PHONE,
    axe_violations,
    describe,
    fill_report,
    screenshot,
    submit,
    tracking_code_on_confirmation,
)
from tests.factories import make_report

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]

PUBLIC_TITLE = "Jalan berlubang di depan SD Negeri 3 Girian Bawah"
RESPONSE = "Tim PUPR sudah meninjau lokasi; penambalan dijadwalkan Kamis pagi."
ANSWER = "Lubang sudah ditambal dengan aspal panas pada Kamis, 12 Maret. Terima kasih atas laporannya."
COMMENT = "Cepat sekali, terima kasih Dinas PUPR!"


def staff_screenshots(page: Page, step: str) -> None:
    """The same staff page on a laptop and on a phone; the page is left at the laptop size."""
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        screenshot(page, f"staff-{step}", viewport)
    page.set_viewport_size(DESKTOP)


def sign_in(page: Page, username: str) -> None:
    page.goto("/staf/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/staf/$"))


def open_action(page: Page, name: str) -> Any:
    """The action's panel, opened (a details element) if it was closed."""
    panel = page.locator(f"#action-{name}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel.locator("form")).to_be_visible()
    return panel


def do_action(page: Page, name: str, **fields: str) -> None:
    panel = open_action(page, name)
    for field, value in fields.items():
        panel.locator(f"#id_{name}-{field}").fill(value)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()


def expect_status(page: Page, status: str) -> None:
    expect(page.locator(f"h1 + p .status.status-{status}")).to_be_visible()


def test_a_broken_road_goes_from_a_phone_through_the_coordinator_and_dinas_pupr_back_to_the_citizen(
    new_page: NewPage,
):
    # A citizen reports the road on a phone, with an email for the updates.
    citizen = new_page(PHONE)
    citizen.goto("/lapor/")
    fill_report(citizen)
    citizen.locator("#id_reporter_email").fill("maria.tumewu@example.id")
    submit(citizen)
    code = tracking_code_on_confirmation(citizen)
    staff_url = f"/staf/laporan/{code}/"

    # The coordinator finds it in the inbox on a laptop.
    coordinator = new_page(DESKTOP)
    coordinator.goto("/staf/masuk/")
    staff_screenshots(coordinator, "00-sign-in")
    sign_in(coordinator, "koordinator")
    expect(coordinator.locator(f"a[href='{staff_url}']")).to_be_visible()
    staff_screenshots(coordinator, "01-coordinator-my-work")
    coordinator.locator(".staff-nav a[href='/staf/laporan/']").click()
    expect(coordinator).to_have_url(re.compile(r"/staf/laporan/$"))
    staff_screenshots(coordinator, "02-coordinator-inbox")
    coordinator.locator(f"table.inbox a[href='{staff_url}']").click()
    expect(coordinator).to_have_url(re.compile(f"{staff_url}$"))
    expect_status(coordinator, Status.DITERIMA)
    staff_screenshots(coordinator, "03-report-diterima")

    # Verifying and dispatching are one step; the category's OPD is already chosen.
    pupr = Unit.objects.get(slug="dinas-pupr")
    verify = open_action(coordinator, "verify")
    expect(verify.locator("#id_verify-lead_unit")).to_have_value(str(pupr.pk))
    expect(verify.locator("#id_verify-category option:checked")).to_have_text("Jalan rusak")
    verify.locator(".more-options summary").click()
    expect(verify.locator("#id_verify-instruction")).to_be_visible()
    staff_screenshots(coordinator, "03-report-diterima-more-options")
    do_action(coordinator, "verify", public_title=PUBLIC_TITLE)
    expect_status(coordinator, Status.DIDISPOSISIKAN)
    expect(coordinator.locator("h1")).to_have_text(PUBLIC_TITLE)
    expect(coordinator.locator(".messages .success")).to_be_visible()
    staff_screenshots(coordinator, "04-report-didisposisikan-coordinator")

    # The operator of Dinas PUPR sees it on "my work" and in the inbox, and accepts it.
    operator = new_page(DESKTOP)
    sign_in(operator, "operator.pupr")
    expect(operator.locator(f".cards a[href='{staff_url}']")).to_be_visible()
    staff_screenshots(operator, "05-operator-my-work")
    operator.locator(".staff-nav a[href='/staf/laporan/']").click()
    expect(operator.locator(f"table.inbox a[href='{staff_url}']")).to_be_visible()
    staff_screenshots(operator, "06-operator-inbox")
    operator.locator(f"table.inbox a[href='{staff_url}']").click()
    expect_status(operator, Status.DIDISPOSISIKAN)
    staff_screenshots(operator, "07-report-didisposisikan")
    do_action(operator, "accept")
    expect_status(operator, Status.DIPROSES)

    # A public response while the work goes on, then the final answer, which cannot be left empty.
    do_action(operator, "respond", text=RESPONSE)
    expect(operator.locator(".timeline")).to_contain_text(RESPONSE)
    staff_screenshots(operator, "08-report-diproses")
    do_action(operator, "finish")
    expect(operator.locator("#action-finish .errorlist")).to_be_visible()
    expect(operator.locator("#id_finish-answer")).to_have_attribute("aria-invalid", "true")
    expect_status(operator, Status.DIPROSES)
    staff_screenshots(operator, "09-finish-without-answer")
    operator.locator("#id_finish-answer").fill(ANSWER)
    with operator.expect_navigation():
        operator.locator("#action-finish button[type=submit]").click()
    expect_status(operator, Status.SELESAI)
    expect(operator.locator(".timeline")).to_contain_text(ANSWER)
    staff_screenshots(operator, "10-report-selesai")

    # The citizen reads the answer on the public tracking page and rates it from the private link.
    report = Report.objects.get(code=code)
    assert report.status == Status.SELESAI
    assert report.lead_unit == pupr
    citizen.goto(f"/lacak/{code}/")
    expect(citizen.locator("h1")).to_have_text(PUBLIC_TITLE)
    expect(citizen.locator(".timeline")).to_contain_text(RESPONSE)
    expect(citizen.locator(".timeline")).to_contain_text(ANSWER)
    screenshot(citizen, "staff-11-public-tracking-selesai", PHONE)
    citizen.goto(f"/lacak/{code}/{report.reporter_token}/")
    expect(citizen.locator(".timeline")).to_contain_text(ANSWER)
    staff_screenshots(citizen, "12-reporter-private-page")
    citizen.set_viewport_size(PHONE)
    citizen.locator("input[name='rate-rating'][value='5']").check()
    citizen.locator("#id_rate-comment").fill(COMMENT)
    with citizen.expect_navigation():
        citizen.locator(".reporter-actions input[name=action][value=rate] ~ button[type=submit]").click()
    expect(citizen.locator(".messages .success")).to_be_visible()
    expect(citizen.locator("input[name='rate-rating'][value='5']")).to_be_checked()
    staff_screenshots(citizen, "13-reporter-rated")
    report.refresh_from_db()
    assert (report.rating, report.rating_comment) == (5, COMMENT)

    # The operator of Dinas Kesehatan can neither open it nor find it.
    dinkes = new_page(DESKTOP)
    sign_in(dinkes, "operator.dinkes")
    response = dinkes.goto(staff_url)
    assert response is not None
    assert response.status == 404
    for query in ("", "?status=all", f"?status=all&q={code}"):
        dinkes.goto(f"/staf/laporan/{query}")
        expect(dinkes.locator("main h1")).to_be_visible()
        expect(dinkes.locator(f"a[href='{staff_url}']")).to_have_count(0)
        expect(dinkes.locator("main")).not_to_contain_text(code)


def test_staff_pages_have_no_serious_accessibility_problems(new_page: NewPage, axe_js: Path):
    report = make_report(photos=1, title="Jalan berlubang di depan pasar Girian")
    found: dict[str, list[dict[str, Any]]] = {}

    def check(page: Page, name: str) -> None:
        # Closed action panels are skipped by axe: open them all first.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        found[name] = axe_violations(page, axe_js)

    # CSP forbids inline scripts, and injecting axe is one; the pages themselves are not changed.
    coordinator = new_page(DESKTOP, bypass_csp=True)
    coordinator.goto("/staf/masuk/")
    check(coordinator, "sign-in")
    sign_in(coordinator, "koordinator")
    check(coordinator, "my work (coordinator)")
    coordinator.goto("/staf/laporan/")
    check(coordinator, "inbox (coordinator)")
    staff_url = f"/staf/laporan/{report.code}/"
    coordinator.goto(staff_url)
    check(coordinator, "report to verify")
    coordinator.locator("#id_verify-public_title").fill("")
    with coordinator.expect_navigation():
        coordinator.locator("#action-verify button[type=submit]").click()
    expect(coordinator.locator("#action-verify .errorlist")).to_be_visible()
    check(coordinator, "verify form with errors")

    services.report_verify(
        report=report, actor=get_user_model().objects.get(username="koordinator"), version=report.version,
        kind=report.kind, category=report.category, weight=report.category.default_weight,
        public_title=report.title, public_description="", is_anonymous=False, is_confidential=False,
        lead_unit=Unit.objects.get(slug="dinas-pupr"),
    )  # fmt: skip
    operator = new_page(PHONE, bypass_csp=True)
    sign_in(operator, "operator.pupr")
    check(operator, "my work (operator, phone)")
    operator.goto("/staf/laporan/")
    check(operator, "inbox (operator, phone)")
    operator.goto(staff_url)
    check(operator, "dispatched report (phone)")
    do_action(operator, "accept")
    expect_status(operator, Status.DIPROSES)
    do_action(operator, "finish")
    expect(operator.locator("#action-finish .errorlist")).to_be_visible()
    check(operator, "finish without an answer (phone)")
    operator.locator("#id_finish-answer").fill(ANSWER)
    with operator.expect_navigation():
        operator.locator("#action-finish button[type=submit]").click()
    expect_status(operator, Status.SELESAI)
    check(operator, "finished report (phone)")

    problems = {name: v for name, v in found.items() if v}
    assert not problems, "axe found serious or critical problems:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in problems.items()
    )
