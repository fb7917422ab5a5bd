"""The websites' journey in Debian's chromium, at 360x800 and 1366x768, screenshots into $SITUS_SHOTS (default
tests/e2e/artifacts/situs): a citizen reads an OPD's site without JavaScript, finds a service's requirements and
switches to English; an editor writes news with a photo and its English version, the publisher publishes it, and
the citizen sees it. axe finds no serious problem. One test on one demo load (the demo is the costly part)."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from balai.core.models import Unit
from balai.core.registry import DemoContext, registry
from balai.core.services import membership_grant
from balai.platform.demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_js, browser, new_page, photo_file, site  # noqa: F401 - fixtures
from tests.e2e.screens import DESKTOP, PHONE
from tests.e2e.screens import SHOTS as E2E_SHOTS

pytestmark = [pytest.mark.e2e]

SHOTS = Path(os.environ.get("SITUS_SHOTS", "")) if os.environ.get("SITUS_SHOTS") else E2E_SHOTS / "situs"


def shots(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=SHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png", full_page=True)


def serious(page: Page, axe: Path) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def demo_sites(city: Any) -> None:
    import balai.urls  # noqa: F401 - loaded before the browser's first request (its first load is slow)

    registry.get("situs").demo(DemoContext(pemda=city, password=DEMO_PASSWORD, rng=random.Random(1)))  # type: ignore[union-attr,misc]


def test_a_citizen_reads_a_site_in_both_languages_and_an_editor_publishes_news_with_a_photo(
    new_page: Any,  # noqa: F811
    demo_sites: Any,
    axe_js: Path,  # noqa: F811
    photo_file: Path,  # noqa: F811
) -> None:
    _a_citizen_reads_an_opd_site_without_javascript(new_page, axe_js)
    _an_editor_publishes_news_with_a_photo(new_page, photo_file)


def _a_citizen_reads_an_opd_site_without_javascript(new_page: Any, axe_js: Path) -> None:  # noqa: F811
    page = new_page(PHONE, java_script_enabled=False)
    page.goto("/portal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pemerintah Kota Bitung")
    shots(page, "portal")
    page.get_by_role("link", name="Dinas Kesehatan", exact=True).click()
    expect(page).to_have_url(re.compile(r"/opd/dinkes/$"))
    expect(page.locator(".last-updated time")).to_be_visible()
    shots(page, "site-home")
    page.get_by_role("navigation", name="Situs web unit").get_by_role("link", name="Layanan").click()
    page.get_by_role("link", name="Surat keterangan Dinkes").click()
    expect(page.locator(".service-standard")).to_contain_text("KTP-el dan KK asli")
    expect(page.get_by_role("link", name="Adukan layanan ini")).to_have_attribute(
        "href", "/lapor/?kategori=layanan-kesehatan"
    )
    shots(page, "service")
    # Balai's own language switch (a form: no JavaScript needed) shows the service's English version.
    page.get_by_role("button", name="English").click()
    expect(page.locator("article[lang=en] h1")).to_have_text("Certificate letter")
    expect(page.locator(".service-standard")).to_contain_text("Original e-KTP and family card")
    shots(page, "service-english")
    page.goto("/opd/dinkes/berita/")
    page.locator(".page-list a[lang=id]").first.click()  # news with no English version
    expect(page.locator(".lang-note")).to_have_text("This page is not available in English; shown in Indonesian.")
    expect(page.locator("article h1")).to_have_attribute("lang", "id")
    shots(page, "news-fallback")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.goto("/opd/dinkes/berita/")
    page.locator(".page-list a").first.click()
    expect(page.locator("article h1")).to_be_visible()
    shots(page, "news")
    page.goto("/portal/cari/?q=posyandu")
    shots(page, "search")
    page.goto("/opd/dinkes/profil/")
    portrait = page.locator(".officials img").first
    expect(portrait).to_have_attribute("loading", "lazy")
    expect(portrait).to_have_attribute("alt", re.compile(r"^Foto Kepala Dinkes"))
    portrait.scroll_into_view_if_needed()
    expect(portrait).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('.officials img').naturalWidth") == 128
    shots(page, "profile-officials")

    checker = new_page(PHONE, bypass_csp=True)
    problems = {}
    for path in ("/portal/", "/portal/layanan/", "/opd/dinkes/", "/opd/dinkes/profil/", "/opd/dinkes/layanan/",
                 "/opd/dinkes/berita/", "/opd/dinkes/kontak/", "/opd/dinkes/ppid/", "/portal/cari/?q=surat"):  # fmt: skip
        checker.goto(path)
        problems[path] = serious(checker, axe_js)
    assert not any(problems.values()), problems


def _an_editor_publishes_news_with_a_photo(new_page: Any, photo_file: Path) -> None:  # noqa: F811
    editor = new_page(DESKTOP)
    editor.goto("/staf/masuk/")
    editor.locator("#id_username").fill("editor.dinkes")
    editor.locator("#id_password").fill(DEMO_PASSWORD)
    with editor.expect_navigation():
        editor.locator("#id_password").press("Enter")
    editor.goto("/staf/situs/dinkes/pejabat/")
    expect(editor.locator(".officials li")).to_have_count(2)
    shots(editor, "staff-officials")
    editor.goto("/staf/situs/")
    shots(editor, "staff-sites")
    editor.get_by_role("link", name="Dinas Kesehatan").click()
    editor.get_by_role("link", name="Berita", exact=True).click()
    editor.locator("#id_title").fill("Posyandu Girian buka hari Sabtu")
    editor.locator("#id_summary").fill("Mulai bulan ini posyandu juga melayani pada hari Sabtu.")
    editor.locator("#id_body").fill("Orang tua dapat membawa balita pada Sabtu pagi.\n\nBawa buku KIA.")
    editor.locator("#id_photo").set_input_files(str(photo_file))
    editor.locator("#id_photo_alt").fill("Petugas menimbang balita di posyandu")
    expect(editor.locator("#id_title_en")).to_be_hidden()  # the English part is folded until asked for
    editor.get_by_text("Versi bahasa Inggris (opsional)").click()
    editor.locator("#id_title_en").fill("Girian posyandu opens on Saturdays")
    editor.locator("#id_body_en").fill("Parents can bring toddlers on Saturday mornings.")
    shots(editor, "staff-english")
    editor.get_by_role("button", name="Simpan draf").click()
    expect(editor.locator(".messages")).to_contain_text("Draf tersimpan")
    shots(editor, "staff-draft")
    editor.get_by_role("button", name="Kirim untuk ditinjau").click()
    expect(editor.locator(".badges")).to_contain_text("menunggu tinjauan")

    publisher = new_page(PHONE)
    publisher.goto("/staf/masuk/")
    publisher.locator("#id_username").fill("penerbit.dinkes")
    publisher.locator("#id_password").fill(DEMO_PASSWORD)
    with publisher.expect_navigation():
        publisher.locator("#id_password").press("Enter")
    publisher.goto("/staf/situs/dinkes/?status=review")
    publisher.get_by_role("link", name="Posyandu Girian buka hari Sabtu").click()
    publisher.get_by_role("link", name="Pratinjau").click()
    expect(publisher.locator(".preview-banner")).to_be_visible()
    expect(publisher.locator("article img")).to_have_js_property("complete", True)
    shots(publisher, "staff-preview")
    publisher.go_back()
    publisher.get_by_role("button", name="Terbitkan").click()
    expect(publisher.locator(".badges")).to_contain_text("terbit")

    citizen = new_page(PHONE)
    citizen.goto("/opd/dinkes/")
    citizen.get_by_role("link", name="Posyandu Girian buka hari Sabtu").click()
    image = citizen.locator("article img")
    expect(image).to_have_attribute("alt", "Petugas menimbang balita di posyandu")
    expect(image).to_have_js_property("complete", True)
    assert citizen.evaluate("document.querySelector('article img').naturalWidth") > 0
    shots(citizen, "published-news")
    citizen.get_by_role("button", name="English").click()
    expect(citizen.locator("article[lang=en] h1")).to_have_text("Girian posyandu opens on Saturdays")
    shots(citizen, "published-news-english")
    assert get_user_model().objects.filter(username="editor.dinkes").exists()
    assert Unit.objects.filter(slug="dinkes").exists() and membership_grant
