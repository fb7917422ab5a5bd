"""A citizen reads the public statistics on a phone without JavaScript, picks a period, and downloads the open data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from balai.dasbor.open_data import REPORT_HEADER
from tests.e2e.test_citizen_journey import DESKTOP, PHONE, axe_violations, describe, screenshot
from tests.factories import make_report
from tests.lapor.backoffice.steps import dispatched, finished

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]


def _reports() -> dict[str, Any]:
    users = get_user_model().objects
    coordinator, operator = users.get(username="koordinator"), users.get(username="operator.pupr")
    done = finished(make_report(reporter_name="Yohana Pelapor"), coordinator, operator)
    waiting = dispatched(make_report(), coordinator)
    hidden = make_report(is_confidential=True)
    return {"done": done, "waiting": waiting, "hidden": hidden}


def test_a_citizen_reads_the_statistics_without_javascript_and_downloads_the_public_reports(
    new_page: NewPage, tmp_path: Path
) -> None:
    reports = _reports()
    page = new_page(PHONE, java_script_enabled=False, accept_downloads=True)
    page.goto("/")
    page.get_by_role("link", name="Statistik").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bagaimana laporan ditangani")
    expect(page.locator("#kpi-received .stat-value")).to_have_text("2")  # the rahasia report is not counted
    expect(page.locator("#kpi-finished .stat-value")).to_have_text("1")
    screenshot(page, "statistik", PHONE)

    page.get_by_label("Periode").select_option("bulan-ini")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(r"/statistik/\?periode=bulan-ini$"))
    expect(page.locator("#kpi-received .stat-value")).to_have_text("2")

    page.get_by_role("link", name="Data terbuka").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data terbuka")
    screenshot(page, "data-terbuka", PHONE)
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh CSV").click()
    download = info.value
    assert download.suggested_filename == "laporan-publik-kota-bitung-semua.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"), newline="")))
    assert tuple(rows[0]) == REPORT_HEADER
    assert sorted(row[0] for row in rows[1:]) == sorted([reports["done"].code, reports["waiting"].code])
    assert "Yohana Pelapor" not in target.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_public_statistics_pages_pass_axe_and_the_content_security_policy(
    new_page: NewPage, axe_js: Path, viewport: dict[str, int]
) -> None:
    _reports()
    strict = new_page(viewport)  # no bypass: a CSP violation fails the test
    for path in ("/statistik/", "/statistik/data/"):
        strict.goto(path)
        expect(strict.locator("h1")).to_have_count(1)
    strict.goto("/statistik/")
    screenshot(strict, "statistik", viewport)
    strict.goto("/statistik/data/")
    screenshot(strict, "data-terbuka", viewport)
    # Injecting axe is an inline script, so this page may bypass the CSP; the pages themselves are unchanged.
    page = new_page(viewport, bypass_csp=True)
    for path in ("/statistik/", "/statistik/data/"):
        page.goto(path)
        if path == "/statistik/":
            page.locator("details.chart-data summary").click()  # the month table, inside its disclosure
        violations = axe_violations(page, axe_js)
        assert not violations, f"{path}:\n{describe(violations)}"
