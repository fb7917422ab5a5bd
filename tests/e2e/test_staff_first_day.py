"""A coordinator's first day in the browser: the new report is in the first view of the inbox, its answers are on
its page, and after an action the page opens at the message, not at an error anchor."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from balai.lapor.models import Category
from tests.e2e.screens import DESKTOP, shots
from tests.e2e.test_backoffice_journey import open_action, sign_in
from tests.factories import make_report

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
SIZE = "Besar (lebih dari 3 meter atau seluruh badan jalan)"


def test_the_coordinator_finds_the_new_report_first_and_acts_on_it(new_page: NewPage, coordinator) -> None:
    older = [make_report() for _ in range(30)]  # a busy inbox: a full page before the new report
    new = make_report(category=Category.objects.get(slug="jalan-rusak"), answers={"ukuran": "besar"})
    page = new_page(DESKTOP)
    # A shared test machine can be slow to serve the first pages of a session.
    page.set_default_navigation_timeout(60_000)
    page.set_default_timeout(30_000)
    sign_in(page, "koordinator")

    page.goto("/staf/laporan/")
    new_view = page.locator("#view-new")
    expect(new_view).to_contain_text(str(len(older) + 1))
    shots(page, "staff-inbox")
    new_view.click()
    expect(page).to_have_url(re.compile(r"tampilan=baru"))
    first = page.locator("table.inbox tbody tr").first
    expect(first.locator(f"a[href='/staf/laporan/{new.code}/']")).to_be_visible()
    shots(page, "staff-inbox-new")

    first.locator("a").first.click()
    expect(page.locator(".answers")).to_contain_text(SIZE)
    panel = open_action(page, "note")
    panel.locator("#id_note-text").fill("Sudah ditelepon, pelapor di rumah.")
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/staf/laporan/{new.code}/#main$"))
    expect(page.locator(".messages .success")).to_be_visible()
    assert page.evaluate("window.scrollY") < 200  # the message is in view, not a panel further down
    shots(page, "staff-report-after-note")
