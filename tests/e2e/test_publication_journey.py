"""A report with a neighbour's name and number plate stays private until the coordinator verifies it with a
public title and text and a photo hidden; then the public sees only that version."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_backoffice_journey import open_action, sign_in, staff_screenshots
from tests.e2e.test_citizen_journey import PHONE, screenshot
from tests.factories import make_report

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]

RAW_TITLE = "Pak Joko Susanto buang sampah di depan rumah nomor 12"
RAW_TEXT = "Mobilnya DB 1234 XY selalu parkir di situ dan sampahnya dibuang ke selokan."
PUBLIC_TITLE = "Sampah dibuang ke selokan di Jalan Sudirman"
PUBLIC_TEXT = "Warga melaporkan sampah rumah tangga yang dibuang ke selokan di Jalan Sudirman."


def test_the_coordinator_publishes_a_report_with_a_public_text_and_a_hidden_photo(new_page: NewPage) -> None:
    report = make_report(title=RAW_TITLE, description=RAW_TEXT, photos=2)
    first, second = report.photos.all()

    # Before verification: nowhere public, but its code's holder follows it.
    citizen = new_page(PHONE)
    # The live server's first answer took 49 s on the shared 2-core machine (load 13): a longer wait for it alone.
    citizen.goto("/laporan/", timeout=90_000)
    expect(citizen.locator("main")).not_to_contain_text("Joko")
    citizen.goto(f"/lacak/{report.code}/")
    expect(citizen.locator(".notice").first).to_contain_text("Belum publik")
    screenshot(citizen, "publication-tracking-not-yet-public", PHONE)

    coordinator = new_page({"width": 1366, "height": 768})
    sign_in(coordinator, "koordinator")
    coordinator.goto(f"/staf/laporan/{report.code}/")
    expect(coordinator.locator(".version-public .publication")).to_be_visible()
    verify = open_action(coordinator, "verify")
    verify.locator("#id_verify-public_title").fill(PUBLIC_TITLE)
    verify.locator("#id_verify-public_description").fill(PUBLIC_TEXT)
    verify.locator("#id_verify-hidden_photos_0").check()
    expect(verify.locator("#field-verify-hidden_photos img")).to_have_count(2)
    staff_screenshots(coordinator, "publication-verify-form")
    with coordinator.expect_navigation():
        verify.locator("button[type=submit]").click()

    expect(coordinator.locator("h1")).to_have_text(PUBLIC_TITLE)
    expect(coordinator.locator(".versions .version").first).to_contain_text(RAW_TITLE)
    expect(coordinator.locator(".version-public")).to_contain_text(PUBLIC_TEXT)
    expect(coordinator.locator(".photos .badge")).to_have_count(1)
    staff_screenshots(coordinator, "publication-verified")

    # The public sees the coordinator's version, and the photo not hidden only.
    citizen.goto("/laporan/")
    expect(citizen.locator("main")).to_contain_text(PUBLIC_TITLE)
    expect(citizen.locator("main")).not_to_contain_text("Joko")
    citizen.goto(f"/laporan/{report.code}/")
    expect(citizen.locator("main")).to_contain_text(PUBLIC_TEXT)
    expect(citizen.locator("main")).not_to_contain_text("DB 1234")
    expect(citizen.locator(f"img[src*='{second.public_id}']")).to_have_count(1)
    expect(citizen.locator(f"img[src*='{first.public_id}']")).to_have_count(0)
    screenshot(citizen, "publication-public-page", PHONE)
