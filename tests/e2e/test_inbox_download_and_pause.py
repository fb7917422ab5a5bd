"""In the browser: the inbox's download gives the filtered reports with their answers; the sign-in pause page
says the configured pause."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from balai.lapor.models import Category
from tests.e2e.screens import DESKTOP, shots
from tests.e2e.test_backoffice_journey import sign_in
from tests.factories import make_report

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
SIZE = "Besar (lebih dari 3 meter atau seluruh badan jalan)"


def test_the_coordinator_downloads_the_filtered_inbox_with_the_answers(new_page: NewPage, coordinator) -> None:
    road = make_report(category=Category.objects.get(slug="jalan-rusak"), answers={"ukuran": "besar"})
    make_report(category=Category.objects.get(slug="banjir"))
    page = new_page(DESKTOP, accept_downloads=True)
    page.set_default_navigation_timeout(60_000)
    page.set_default_timeout(30_000)
    sign_in(page, "koordinator")

    page.goto("/staf/laporan/?category=jalan-rusak")
    link = page.locator("#inbox-csv")
    expect(link).to_be_visible()
    shots(page, "staff-inbox-download")
    with page.expect_download() as info:
        link.click()
    download = info.value

    assert download.suggested_filename.startswith("laporan-staf-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows[1:]] == [road.code]
    assert rows[1][-1] == f"Seberapa besar kerusakannya?: {SIZE}"


def test_the_pause_page_says_the_configured_minutes(new_page: NewPage, operator_pupr, settings) -> None:
    settings.AXES_COOLOFF_TIME = 0.5
    page = new_page(DESKTOP)
    page.set_default_navigation_timeout(60_000)
    for _attempt in range(6):
        page.goto("/staf/masuk/")
        page.locator("#id_username").fill("operator.pupr")
        page.locator("#id_password").fill("kata-sandi-keliru")
        with page.expect_navigation():
            page.locator("#id_password").press("Enter")

    expect(page.locator("main")).to_contain_text("tidak dapat masuk selama 30 menit")
    shots(page, "lockout")


def test_the_command_center_shows_another_modules_figures(new_page: NewPage, coordinator) -> None:
    from balai.core.registry import Kpi, Module, registry

    def kpis(unit_ids: frozenset[int] | None, now: object) -> list[Kpi]:
        return [
            Kpi("contoh.waiting", "halaman menunggu terbit", 7, url="/staf/laporan/"),
            Kpi("contoh.published", "berita terbit bulan ini", 31),
        ]

    registry.register(Module(label="contoh", name="Situs OPD", kpis=kpis))
    try:
        page = new_page(DESKTOP)
        page.set_default_navigation_timeout(60_000)
        page.set_default_timeout(30_000)
        sign_in(page, "koordinator")
        page.goto("/staf/dasbor/")
        expect(page.locator("#kpi-contohwaiting")).to_contain_text("7 halaman menunggu terbit")
        shots(page, "command-center-modules")
    finally:
        registry.unregister("contoh")
