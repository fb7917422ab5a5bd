"""Browser journeys at 360×800 (Debian's chromium): a lurah sends the monthly report on a phone, a KIM member
posts news with a photo that Diskominfo approves; the pages pass axe and the screenshots go to /tmp/desa-shots."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from balai.desa.models import KimPost, Submission
from tests.e2e.test_citizen_journey import axe_violations, describe

from .conftest import Cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path(os.environ.get("DESA_SHOTS", "/tmp/desa-shots"))  # noqa: S108 - the brief asks for this folder


def shot(page: Page, name: str, *, both: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or PHONE
    for viewport in (PHONE, DESKTOP) if both else (size,):
        page.set_viewport_size(viewport)
        page.screenshot(path=SHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png", full_page=True)
    page.set_viewport_size(size)


def sign_in(page: Page, username: str) -> None:
    # The machine is shared: the live server's first answers may take longer than the usual 10 seconds.
    page.context.set_default_timeout(30_000)
    page.context.set_default_navigation_timeout(30_000)
    page.goto("/staf/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("rahasia-123")
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/staf/$"))


def test_the_village_journeys_on_phones_and_the_readiness_views(
    new_page: Any, cast: Cast, axe_js: Path, photo_file: Path
) -> None:
    # One live server and one database for the three journeys (each transactional test empties and refills it).
    a_lurah_sends_the_monthly_report_on_a_phone(new_page, axe_js)
    a_kim_member_posts_news_with_a_photo_and_it_appears_after_moderation(new_page, axe_js, photo_file)
    the_office_and_the_command_center_see_which_units_are_not_ready(new_page, cast, axe_js)


def a_lurah_sends_the_monthly_report_on_a_phone(new_page: Any, axe_js: Path) -> None:
    page = new_page(PHONE, bypass_csp=True)
    sign_in(page, "lurah_a")
    page.get_by_role("link", name="Laporan kelurahan").first.click()
    shot(page, "desa-lurah-home")
    page.locator(".desa-todo a.button").first.click()
    expect(page.locator("h1")).to_contain_text("Laporan bulanan")
    assert axe_violations(page, axe_js) == [], describe(axe_violations(page, axe_js))
    page.locator("#id_f_lahir").fill("4")
    page.locator("#id_f_meninggal").fill("satu")
    page.locator("#id_f_pindah_datang").fill("3")
    page.locator("#id_f_pindah_keluar").fill("2")
    page.locator("#id_f_kamtibmas").select_option("Aman")
    page.locator("#id_f_masalah").fill("Drainase tersumbat di lingkungan 3.")
    page.get_by_role("button", name="Kirim ke wali kota").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#field-f_meninggal .errorlist")).to_contain_text("bilangan bulat")
    expect(page.locator("#id_f_masalah")).to_have_value("Drainase tersumbat di lingkungan 3.")
    shot(page, "desa-lurah-form-error")
    page.locator("#id_f_meninggal").fill("1")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".messages")).to_contain_text("Draf tersimpan")
    page.locator("#id_f_kegiatan").fill("Kerja bakti dan posyandu.")
    page.get_by_role("button", name="Kirim ke wali kota").click()
    expect(page.locator("#status")).to_have_text("terkirim")
    shot(page, "desa-lurah-sent")
    submission = Submission.objects.get()
    assert submission.values["meninggal"] == 1 and submission.status == "terkirim"


def a_kim_member_posts_news_with_a_photo_and_it_appears_after_moderation(
    new_page: Any, axe_js: Path, photo_file: Path
) -> None:
    page = new_page(PHONE, bypass_csp=True)
    sign_in(page, "kim_a")
    page.goto("/staf/desa/kim/")
    page.get_by_role("link", name="Tulis berita").click()
    page.locator("#id_title").fill("Kerja bakti membersihkan pantai")
    page.locator("#id_body").fill("Warga dan KIM membersihkan pantai pada hari Minggu pagi.")
    page.locator("#id_photo").set_input_files(str(photo_file))
    shot(page, "desa-kim-post-form")
    page.get_by_role("button", name="Kirim tulisan").click()
    expect(page.locator("#status")).to_have_text("menunggu moderasi")
    post = KimPost.objects.get()
    assert post.photo.name
    moderator = new_page(DESKTOP, bypass_csp=True)
    sign_in(moderator, "moderator")
    moderator.goto(f"/staf/desa/kim/pos/{post.public_id}/")
    moderator.get_by_role("button", name="Setujui").click()
    expect(moderator.locator("#status")).to_have_text("terbit")
    public = new_page(PHONE, bypass_csp=True)
    public.context.set_default_navigation_timeout(30_000)
    public.goto("/kim/")
    expect(public.locator(".desa-posts")).to_contain_text("Kerja bakti membersihkan pantai")
    assert axe_violations(public, axe_js) == [], describe(axe_violations(public, axe_js))
    shot(public, "desa-kim-public")
    public.get_by_role("link", name="Kerja bakti membersihkan pantai").click()
    expect(public.locator("img.desa-photo")).to_be_visible()
    assert axe_violations(public, axe_js) == [], describe(axe_violations(public, axe_js))
    shot(public, "desa-kim-post-public")


def the_office_and_the_command_center_see_which_units_are_not_ready(new_page: Any, cast: Cast, axe_js: Path) -> None:
    from django.contrib.auth import get_user_model

    page = new_page(DESKTOP, bypass_csp=True)
    sign_in(page, "pemerintahan")
    page.goto("/staf/desa/kesiapan/")
    # kel_a sent this month's report (not yet due): every unit still misses the earlier months; kel_b has no lurah.
    expect(page.locator("h1")).to_have_text("Kesiapan kelurahan dan desa")
    expect(page.locator(f"#u-{cast.kel_b.slug}")).to_contain_text("tanpa akun lurah")
    expect(page.locator(f"#u-{cast.kel_a.slug}")).to_contain_text("laporan belum dikirim")
    assert axe_violations(page, axe_js) == [], describe(axe_violations(page, axe_js))
    shot(page, "desa-readiness")
    coordinator = get_user_model().objects.get(username="koordinator")
    coordinator.set_password("rahasia-123")
    coordinator.save()
    center = new_page(DESKTOP, bypass_csp=True)
    sign_in(center, "koordinator")
    center.goto("/staf/dasbor/")
    section = center.locator("#units-desa").locator("xpath=..")
    expect(section).to_contain_text("unit siap")
    section.locator("summary").click()
    expect(section.locator("table")).to_contain_text(cast.kel_b.name)
    assert axe_violations(center, axe_js) == [], describe(axe_violations(center, axe_js))
    section.screenshot(path=SHOTS / "desa-command-center-1366x768.png")
    center.set_viewport_size(PHONE)
    section.screenshot(path=SHOTS / "desa-command-center-360x800.png")
