"""The browser journey: a planning officer enters a quarter's realisation with a photo, Bappeda accepts it, and a
citizen (without JavaScript) sees the progress on the activity page. Screenshots at 360×800 and 1366×768 go to
/tmp/kinerja-shots/ for people to look at; axe checks the public pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from balai.kinerja.models import Realisation, RealisationStatus, ReportLink
from tests.e2e.conftest import axe_js, browser, new_page, photo_file, site  # noqa: F401 - the e2e fixtures
from tests.e2e.test_citizen_journey import axe_violations, describe

from .conftest import ROAD, YEAR, sub

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/kinerja-shots")  # noqa: S108 - where the brief asks for them
NewPage = Callable[..., Page]


def patient(page: Page) -> Page:
    """The machine running the suite is shared: give the first loads more time than the e2e default."""
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)
    return page


def shots(page: Page, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(
            path=SHOTS / f"{step}-{viewport['width']}x{viewport['height']}.png", full_page=True, animations="disabled"
        )


def sign_in(page: Page, username: str) -> None:
    page.goto("/staf/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("x")
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/staf/$"))


def test_officer_reports_bappeda_accepts_citizen_sees_progress(  # the e2e fixtures are imported above
    new_page: NewPage,  # noqa: F811
    photo_file: Path,  # noqa: F811
    axe_js: Path,  # noqa: F811
    plan: Any,
    officer_pupr: Any,
    bappeda: Any,
) -> None:
    road = sub(ROAD)
    indicator = road.indicators.get()
    officer = patient(new_page(DESKTOP))
    sign_in(officer, officer_pupr.username)
    officer.goto("/staf/kinerja/")
    shots(officer, "staff-home-officer")
    officer.locator(f'a[href="/staf/kinerja/kegiatan/{road.public_id}/triwulan/1/"]').click()
    officer.locator("#id_physical_pct").fill("150")  # a slip first: nothing typed is lost
    officer.locator("#id_financial").fill("312500000")
    officer.locator(f"#id_value_{indicator.pk}").fill("8")
    officer.locator("#id_obstacles").fill("Hujan deras pada bulan Februari")
    officer.locator("#id_photo").set_input_files(str(photo_file))
    officer.locator('button[name="submit"]').click()
    expect(officer.locator("#id_obstacles")).to_have_value("Hujan deras pada bulan Februari")
    expect(officer.locator("#field-physical_pct .errorlist")).to_be_visible()
    shots(officer, "staff-realisation-error")
    officer.set_viewport_size(DESKTOP)
    officer.locator("#id_physical_pct").fill("30")
    officer.locator("#id_photo").set_input_files(str(photo_file))
    officer.locator('button[name="submit"]').click()
    expect(officer.locator(".messages")).to_be_visible()
    assert Realisation.objects.get().status == RealisationStatus.SUBMITTED

    checker = patient(new_page(DESKTOP, bypass_csp=True))  # axe is injected on the RPJMD form below
    sign_in(checker, bappeda.username)
    checker.goto("/staf/kinerja/")
    checker.locator(f'a[href="/staf/kinerja/kegiatan/{road.public_id}/triwulan/1/"]').first.click()
    shots(checker, "staff-check")
    checker.set_viewport_size(DESKTOP)
    checker.locator("#id_note").fill("Lengkap, terima kasih.")
    checker.locator('button[value="accept"]').click()
    expect(checker.locator(".messages")).to_be_visible()
    assert Realisation.objects.get().status == RealisationStatus.ACCEPTED

    # Bappeda types the RPJMD that no file holds (a slip first: nothing typed is lost), a goal and PUPR's Renstra.
    checker.goto("/staf/kinerja/rpjmd/")
    checker.get_by_role("link", name="RPJMD baru").click()
    checker.locator("#id_start_year").fill("2025")
    checker.locator("#id_end_year").fill("2035")
    checker.locator("#id_vision").fill("Bitung kota jasa yang maju, sejahtera dan berkelanjutan")
    checker.locator("#id_missions").fill("Infrastruktur kota yang mantap\nWarga yang sehat dan cerdas")
    checker.get_by_role("button", name="Simpan").click()
    expect(checker.locator(".error-summary")).to_be_visible()
    expect(checker.locator("#id_vision")).to_have_value("Bitung kota jasa yang maju, sejahtera dan berkelanjutan")
    rpjmd_problems = axe_violations(checker, axe_js)
    shots(checker, "staff-rpjmd-error")
    checker.set_viewport_size(DESKTOP)
    checker.locator("#id_end_year").fill("2029")
    checker.get_by_role("button", name="Simpan").click()
    checker.get_by_role("link", name="Tambah sasaran").click()
    checker.locator("#id_mission").select_option(label="Misi 1: Infrastruktur kota yang mantap")
    checker.locator("#id_code").fill("S1.1")
    checker.locator("#id_title").fill("Meningkatnya kemantapan jalan kota")
    checker.locator("#id_indicator").fill("Persentase jalan kota mantap")
    checker.locator("#id_indicator_unit").fill("%")
    for offset, target in enumerate(("65", "70", "75", "80", "85")):
        checker.locator(f"#id_target_{2025 + offset}").fill(target)
    shots(checker, "staff-goal-form")
    checker.set_viewport_size(DESKTOP)
    checker.get_by_role("button", name="Simpan").click()
    checker.locator('a[href$="/renstra/dinas-pupr/"]').first.click()
    checker.get_by_label("S1.1 Meningkatnya kemantapan jalan kota").check()
    checker.get_by_role("button", name="Simpan").click()
    expect(checker.locator(".messages")).to_be_visible()
    shots(checker, "staff-rpjmd")
    # Removing: the goal PUPR's Renstra serves is refused with the reason; the empty mission 2 goes after a confirm.
    checker.get_by_role("link", name="Hapus sasaran S1.1").click()
    expect(checker.locator(".error-summary")).to_contain_text("Renstra Dinas Pekerjaan Umum")
    expect(checker.get_by_role("button", name="Hapus")).to_have_count(0)
    rpjmd_problems += axe_violations(checker, axe_js)
    shots(checker, "staff-remove-refused")
    checker.set_viewport_size(DESKTOP)
    checker.goto("/staf/kinerja/rpjmd/")
    checker.get_by_role("link", name="Hapus misi 2").click()
    expect(checker.locator("main")).to_contain_text("Warga yang sehat dan cerdas")
    rpjmd_problems += axe_violations(checker, axe_js)
    shots(checker, "staff-remove-confirm")
    checker.set_viewport_size(DESKTOP)
    checker.get_by_role("button", name="Hapus").click()
    expect(checker.locator(".messages")).to_contain_text("Misi dihapus.")
    expect(checker.locator("main")).not_to_contain_text("Warga yang sehat dan cerdas")
    assert not rpjmd_problems, describe(rpjmd_problems)

    citizen = patient(new_page(PHONE, java_script_enabled=False))
    citizen.goto(f"/kinerja/{YEAR}/")
    expect(citizen.locator("h1")).to_contain_text(str(YEAR))
    expect(citizen.locator(".kin-goals")).to_contain_text("Dinas Pekerjaan Umum")  # the Renstra typed above
    expect(citizen.locator("h3.kin-mission")).to_have_text(["Misi 1: Infrastruktur kota yang mantap"])
    shots(citizen, "public-year")
    citizen.goto(f"/kinerja/{YEAR}/opd/dinas-pupr/")
    shots(citizen, "public-opd")
    citizen.goto(f"/kinerja/kegiatan/{road.public_id}/")
    expect(citizen.locator("progress#physical")).to_have_attribute("value", "30")
    photo = citizen.locator(".kin-photos img").first
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    citizen.wait_for_function("document.querySelector('.kin-photos img').complete")
    assert citizen.evaluate("document.querySelector('.kin-photos img').naturalWidth") > 0
    shots(citizen, "public-activity")
    # The citizen sends an aspiration from the activity's page (360×800, no JavaScript): a slip first, then sent.
    citizen.set_viewport_size(PHONE)
    citizen.locator("#id_text").fill("Terlalu pendek")
    citizen.locator("#id_reporter_name").fill("Yohanis Lumempouw")
    citizen.locator("#id_reporter_email").fill("yohanis@example.id")
    citizen.locator("#aspirasi button[type=submit]").click()
    expect(citizen.locator("#id_reporter_name")).to_have_value("Yohanis Lumempouw")
    shots(citizen, "public-aspirasi-error")
    citizen.set_viewport_size(PHONE)
    citizen.locator("#id_text").fill("Mohon lampu jalan dipasang di tikungan Sudirman, malam hari gelap.")
    citizen.locator("#id_consent").check()
    citizen.locator("#aspirasi button[type=submit]").click()
    expect(citizen.locator("h1")).to_be_visible()
    shots(citizen, "public-aspirasi-sent")
    assert ReportLink.objects.filter(activity=road).count() == 1
    citizen.goto(f"/kinerja/{YEAR}/lkjip/dinas-pupr/")
    shots(citizen, "public-lkjip")
    citizen.goto(f"/kinerja/{YEAR}/wilayah/")
    shots(citizen, "public-places")

    checked = patient(new_page(PHONE, bypass_csp=True))
    problems = {}
    for path in (f"/kinerja/{YEAR}/", f"/kinerja/kegiatan/{road.public_id}/", f"/kinerja/{YEAR}/lkjip/dinas-pupr/"):
        checked.goto(path)
        found = axe_violations(checked, axe_js)
        if found:
            problems[path] = found
    assert not problems, "\n".join(f"{p}:\n{describe(v)}" for p, v in problems.items())
