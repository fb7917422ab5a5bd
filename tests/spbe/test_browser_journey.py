"""In the browser: the officer fills indicator 42 with evidence and submits it, the coordinator accepts it, and the
overview shows the new index. Screenshots of each screen at a phone's and a laptop's size; axe on the way."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.formats import number_format
from playwright.sync_api import Page, expect

from balai.core.registry import DemoContext, registry
from balai.platform.demo import DEMO_PASSWORD
from balai.spbe import selectors
from balai.spbe.models import Framework
from tests.e2e.screens import DESKTOP, shots
from tests.e2e.test_backoffice_journey import sign_in
from tests.e2e.test_citizen_journey import axe_violations, describe

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]


def _index_text(year: int) -> str:
    index = selectors.overview(Framework.objects.get(year=year)).result.index
    with translation.override("id"):
        return number_format(index, decimal_pos=2)


def test_the_officer_fills_and_submits_and_the_coordinator_reviews(new_page: NewPage, city, axe_js: Path,
                                                                   tmp_path: Path) -> None:  # fmt: skip
    registry.get("spbe").demo(DemoContext(city, DEMO_PASSWORD, random.Random(1)))  # type: ignore[union-attr,misc]
    year = timezone.localdate().year
    before = _index_text(year)
    sop = tmp_path / "sop-pengaduan.pdf"
    sop.write_bytes(b"%PDF-1.4\n% SOP penanganan pengaduan\n%%EOF\n")

    officer = new_page(DESKTOP, bypass_csp=True)
    officer.set_default_navigation_timeout(60_000)
    officer.set_default_timeout(30_000)
    sign_in(officer, "petugas.spbe")
    expect(officer.locator("main")).to_contain_text("SPBE")
    officer.goto(f"/staf/spbe/{year}/indikator/42/")
    expect(officer.locator("#otomatis + section")).to_be_visible()  # lapor's own figures, live
    officer.locator("#id_save-level").select_option("4")
    officer.locator("#id_save-justification").fill("Kanal web, email, API dan Open311 aktif; SOP terlampir.")
    with officer.expect_navigation():
        officer.locator("form[action*='/save/'] button[type=submit]").click()
    expect(officer.locator(".messages .success")).to_be_visible()
    expect(officer.locator("#id_save-justification")).to_have_value(re.compile("SOP terlampir"))
    officer.locator("details.action:has(#id_add_evidence-title) summary").click()
    officer.locator("#id_add_evidence-title").fill("SOP Penanganan Pengaduan")
    officer.locator("#id_add_evidence-file").set_input_files(str(sop))
    with officer.expect_navigation():
        officer.locator("form[action*='/add_evidence/'] button[type=submit]").click()
    expect(officer.locator(".spbe-evidence")).to_contain_text("SOP Penanganan Pengaduan")
    officer.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    problems = axe_violations(officer, axe_js)
    assert not problems, describe(problems)
    shots(officer, "officer-indicator")
    with officer.expect_navigation():
        officer.locator("#action-submit button[type=submit]").click()
    expect(officer.locator(".status-submitted").first).to_be_visible()

    coordinator = new_page(DESKTOP, bypass_csp=True)
    coordinator.set_default_navigation_timeout(60_000)
    coordinator.set_default_timeout(30_000)
    sign_in(coordinator, "koordinator.spbe")
    coordinator.goto(f"/staf/spbe/{year}/?status=submitted")
    expect(coordinator.locator(".spbe-index")).to_contain_text(before)
    with coordinator.expect_navigation():
        coordinator.locator("a[href$='/indikator/42/']").click()
    expect(coordinator.locator(".spbe-evidence")).to_contain_text("SOP Penanganan Pengaduan")
    with coordinator.expect_navigation():
        coordinator.locator("#action-review button[type=submit]").click()
    expect(coordinator.locator(".status-reviewed").first).to_be_visible()

    after = _index_text(year)
    assert after != before
    coordinator.goto(f"/staf/spbe/{year}/")
    expect(coordinator.locator(".spbe-index")).to_contain_text(after)
    problems = axe_violations(coordinator, axe_js)
    assert not problems, describe(problems)
    shots(coordinator, "overview")
    coordinator.goto(f"/staf/spbe/{year}/naikkan/")
    shots(coordinator, "raise")
    coordinator.goto("/staf/spbe/tahunan/")
    shots(coordinator, "years")
    coordinator.goto(f"/staf/spbe/{year}/kerangka/")
    shots(coordinator, "framework")
