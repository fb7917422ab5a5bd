"""Browser journeys (Debian's chromium, Playwright): a citizen on a small phone asks, fixes a mistake without
losing anything, gets the notice and objects; the PPID utama and the OPD's PPID pelaksana handle a request at a
desk. Screenshots of every step go to /tmp/ppid-shots/ for people to look at; axe checks each public page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from balai.ppid import services
from balai.ppid.models import Decision, InformationRequest, Status
from tests.e2e.conftest import axe_js, browser, new_page, site  # noqa: F401 - the e2e fixtures

from .conftest import NIK, person

pytestmark = [pytest.mark.e2e]

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/ppid-shots")  # noqa: S108 - screenshots for people to look at, as the brief asks
SERIOUS = ("serious", "critical")


def shot(page: Page, step: str, viewport: dict[str, int]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{step}-{viewport['width']}x{viewport['height']}.png", full_page=True)


def serious_axe(page: Page, axe: Path) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=axe)
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [f"{v['id']}: {json.dumps([n['target'] for n in v['nodes'][:3]])}" for v in found if v["impact"] in SERIOUS]


def test_a_citizen_on_a_phone_asks_gets_the_notice_and_objects(new_page: Any, axe_js: Path, city: Any) -> None:  # noqa: F811
    utama = person("ppid.utama", "diskominfo", "utama")
    page = new_page(PHONE, java_script_enabled=False)  # every step works without JavaScript
    problems: dict[str, list[str]] = {}
    page.goto("/ppid/", timeout=90_000)  # the live server's first page compiles templates on a busy machine
    shot(page, "01-home", PHONE)
    page.click("a[href='/ppid/permohonan/']")
    page.fill("#id_information", "Salinan kontrak pembangunan jembatan Girian 2025")
    page.fill("#id_purpose", "Pengawasan warga")
    page.fill("#id_name", "Sinta Wowor")
    page.fill("#id_identity_number", "12345")  # a mistake
    page.fill("#id_address", "Jl. Rahasia No. 7")
    page.fill("#id_email", "sinta@example.id")
    page.click("button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_information")).to_have_value("Salinan kontrak pembangunan jembatan Girian 2025")
    shot(page, "02-form-with-mistake", PHONE)
    page.fill("#id_identity_number", NIK)
    page.click("button[type=submit]")
    expect(page.locator("#tracking-code")).to_be_visible()
    shot(page, "03-sent", PHONE)
    item = InformationRequest.objects.get()
    assert page.locator("#tracking-code").inner_text() == item.code

    services.request_notice(actor=utama, request=item, notice=services.NoticeInput(
        decision=Decision.PARTLY, answer="Kontrak diberikan tanpa lampiran harga satuan.", medium="PDF lewat email",
        redactions="Harga satuan (rahasia dagang penyedia)", exemption="Pasal 17 huruf b",
        consequence_test="Membuka harga satuan merugikan persaingan usaha sehat."))  # fmt: skip
    page.click("#private-link")
    expect(page.locator("#notice-download")).to_be_visible()
    shot(page, "04-private-page-with-notice", PHONE)
    private_path = page.url
    with page.expect_download() as download:
        page.click("#notice-download")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.click("button[type=submit]")  # no ground chosen: refused, nothing lost
    expect(page.locator(".error-summary")).to_be_visible()
    page.check("input[name=grounds][value=d]")
    page.fill("#id_reason", "Harga satuan adalah bagian kontrak yang dibiayai APBD.")
    page.click("button[type=submit]")
    expect(page.locator("#objection")).to_be_visible()
    shot(page, "05-objection-sent", PHONE)
    assert InformationRequest.objects.get().status == Status.KEBERATAN

    checker = new_page(PHONE, bypass_csp=True)  # axe runs as a script: a page with JavaScript
    for path in ("/ppid/", "/ppid/permohonan/", "/ppid/register/", "/ppid/dip/", "/ppid/statistik/", private_path):
        checker.goto(path)
        problems[path] = serious_axe(checker, axe_js)
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_ppid_utama_forwards_and_the_pelaksana_gives_the_notice(new_page: Any, city: Any) -> None:  # noqa: F811
    from balai.core.models import Unit
    from balai.ppid.models import DipEntry

    from .conftest import request_input

    utama = person("ppid.utama", "diskominfo", "utama")
    pelaksana = person("ppid.pupr", "dinas-pupr", "pelaksana")
    for user in (utama, pelaksana):
        user.set_password("pw-ppid-123")
        user.save()
    item = services.request_submit(data=request_input())
    services.dip_save(actor=utama, entry=DipEntry(unit=Unit.objects.get(slug="dinas-pupr"), title="Rencana jalan",
                      summary="Ruas dan jadwal pemeliharaan.", official="Kepala Dinas PUPR", made_when_where="2026",
                      form="elektronik", retention="5 tahun", category="berkala"))  # fmt: skip

    def sign_in(page: Page, username: str) -> None:
        page.goto("/staf/masuk/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw-ppid-123")
        page.click("button[type=submit]")

    page = new_page(DESKTOP)
    page.goto("/ppid/", timeout=90_000)  # the live server's first page compiles templates on a busy machine
    sign_in(page, "ppid.utama")
    page.goto("/staf/ppid/")
    shot(page, "10-staff-inbox", DESKTOP)
    page.click(f"a[href='/staf/ppid/{item.code}/']")
    page.click("#action-forward summary")
    page.select_option("#id_forward-unit", "dinas-pupr")
    page.click("#action-forward button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    assert InformationRequest.objects.get().status == Status.DITERUSKAN

    other = new_page(DESKTOP)
    sign_in(other, "ppid.pupr")
    other.goto(f"/staf/ppid/{item.code}/")
    other.click("#action-notice summary")
    other.check("input[name=notice-decision][value=ditolak]")
    other.fill("#id_notice-answer", "Dokumen masih dalam evaluasi lelang.")
    other.click("#action-notice button[type=submit]")
    expect(other.locator("#id_notice-exemption")).to_be_visible()  # refused: the form asks for Pasal 17
    expect(other.locator("#id_notice-answer")).to_have_value("Dokumen masih dalam evaluasi lelang.")
    shot(other, "11-notice-incomplete", DESKTOP)
    other.fill("#id_notice-exemption", "Pasal 17 huruf b")
    other.fill("#id_notice-consequence_test", "Membuka dokumen lelang sebelum evaluasi merugikan persaingan.")
    other.click("#action-notice button[type=submit]")
    expect(other.locator("a[href$='pemberitahuan.pdf']")).to_be_visible()
    shot(other, "12-notice-given", DESKTOP)
    assert InformationRequest.objects.get().decision == Decision.REFUSED
    for path, name in (("/ppid/", "20-home"), ("/ppid/dip/", "21-dip"), ("/ppid/statistik/", "22-statistics")):
        other.goto(path)
        shot(other, name, DESKTOP)
