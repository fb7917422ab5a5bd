"""In a real browser without JavaScript (a phone on 3G with scripts off): the contact fields are marked before
sending, a tampered map point comes back as a named error, and the error and lockout pages are the site's own."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from balai.platform.demo import DEMO_PASSWORD
from tests.e2e.test_citizen_journey import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_the_contact_fields_are_marked_without_javascript(new_page: Callable[..., Page]) -> None:
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport, java_script_enabled=False)
        page.goto("/lapor/", timeout=30_000)  # the first page of a cold server on a busy machine

        expect(page.locator("label[for=id_reporter_name]")).to_contain_text("wajib, kecuali Anda memilih anonim")
        expect(page.locator("label[for=id_reporter_email]")).to_contain_text("wajib email atau telepon")
        expect(page.locator("label[for=id_reporter_phone]")).to_contain_text("wajib email atau telepon")
        expect(page.locator("#why-contact")).to_be_visible()
        screenshot(page, "abuse-form-marks", viewport)


def test_error_and_lockout_pages_are_the_sites_own(new_page: Callable[..., Page], coordinator, operator_pupr) -> None:
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport, java_script_enabled=False)
        page.goto("/tidak-ada/")
        expect(page.locator("h1")).to_have_text("Halaman tidak ditemukan")
        expect(page.get_by_role("link", name="Kembali ke beranda")).to_be_visible()
        screenshot(page, "abuse-404", viewport)

    page = new_page(PHONE, java_script_enabled=False)
    for _ in range(5):
        page.goto("/staf/masuk/")
        page.locator("#id_username").fill("operator.pupr")
        page.locator("#id_password").fill("kata-sandi-keliru")
        page.locator("#id_password").press("Enter")
    expect(page.locator("h1")).to_have_text("Masuk dijeda sementara")
    screenshot(page, "abuse-lockout", PHONE)

    for viewport in (PHONE, DESKTOP):
        staff = new_page(viewport, java_script_enabled=False)
        staff.goto("/staf/masuk/")
        staff.locator("#id_username").fill("koordinator")
        staff.locator("#id_password").fill(DEMO_PASSWORD)
        staff.locator("#id_password").press("Enter")
        expect(staff).to_have_url(re.compile(r"/staf/$"), timeout=30_000)
        staff.goto("/staf/akun-terkunci/")
        expect(staff.get_by_role("button", name="Buka kunci")).to_be_visible()
        screenshot(staff, "abuse-locked-accounts", viewport)

    staff.get_by_role("button", name="Buka kunci").click()
    expect(staff.locator(".messages")).to_contain_text("dapat masuk lagi")
    page.goto("/staf/masuk/")
    page.locator("#id_username").fill("operator.pupr")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/staf/$"))
