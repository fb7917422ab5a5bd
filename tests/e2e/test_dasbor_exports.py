"""The coordinator asks for last month's PDF, waits on the page while the worker makes it, and downloads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from balai.dasbor.export_jobs import current_month
from tests.e2e.test_backoffice_journey import sign_in
from tests.e2e.test_citizen_journey import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
EXPORTS = "/staf/dasbor/ekspor/"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_monthly_pdf_is_asked_for_made_in_the_background_and_downloaded(
    new_page: NewPage, viewport: dict[str, int]
):
    page = new_page(viewport, accept_downloads=True)
    sign_in(page, "koordinator")
    page.goto(EXPORTS)
    last_month = (current_month() - timedelta(days=1)).replace(day=1)
    expect(page.locator("#id_month")).to_have_value(last_month.isoformat())
    page.locator("#id_scope").select_option("pemda")
    with page.expect_navigation():
        page.get_by_role("button", name="Buat laporan").click()
    expect(page.locator(".messages li.success")).to_contain_text("sedang dibuat")
    expect(page.locator("#export-jobs tbody tr")).to_have_count(1)
    expect(page.locator("#export-jobs .status")).to_have_text("menunggu")
    # With JavaScript the "refresh" link is not needed: the list refreshes itself.
    expect(page.locator("#export-jobs .js-hide")).to_be_hidden()
    screenshot(page, "dasbor-exports-pending", viewport)

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    link = page.get_by_role("link", name="Unduh PDF")
    expect(link).to_be_visible(timeout=15_000)
    expect(page.locator("#export-announce")).to_have_text("Sebuah laporan siap diunduh.")
    screenshot(page, "dasbor-exports-ready", viewport)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"laporan-bulanan-{last_month:%Y-%m}-kota-bitung.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def _jobs(done: int, pending: int) -> None:
    from django.contrib.auth import get_user_model

    from balai.core.models import Unit
    from balai.dasbor.export_jobs import export_request

    coordinator = get_user_model().objects.get(username="koordinator")
    month = current_month()
    units = list(Unit.objects.opd())
    for i in range(done):
        export_request(actor=coordinator, month=month, unit=units[i])
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    for i in range(pending):
        export_request(actor=coordinator, month=month, unit=units[done + i])


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_exports_page_has_no_serious_accessibility_problems(
    new_page: NewPage, axe_js: Path, viewport: dict[str, int]
):
    _jobs(done=2, pending=1)
    page = new_page(viewport, bypass_csp=True)
    sign_in(page, "koordinator")
    page.goto(EXPORTS)
    expect(page.get_by_role("link", name="Unduh PDF")).to_have_count(2)
    assert not (violations := axe_violations(page, axe_js)), describe(violations)


def test_without_javascript_the_page_offers_to_refresh_the_list(new_page: NewPage):
    _jobs(done=0, pending=1)
    page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, "koordinator")
    page.goto(EXPORTS)
    refresh = page.get_by_role("link", name="Muat ulang daftar")
    expect(refresh).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    refresh.click()
    expect(page.get_by_role("link", name="Unduh PDF")).to_be_visible()
    expect(page.get_by_role("link", name="Muat ulang daftar")).to_have_count(0)
