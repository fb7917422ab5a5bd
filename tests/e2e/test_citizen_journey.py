"""A citizen on a cheap phone reports a problem, fixes a mistake without losing anything, and follows it.

Locators use ids, names and URLs rather than visible text, so the journeys pass in Bahasa Indonesia
(the default) and in English alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from balai.lapor.models import Category, Report, Status
from tests.factories import make_report

# The journeys follow a report from the form to the public list: the city publishes on arrival (publication after
# verification has its own journey, test_publication_journey.py).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("publish_on_arrival")]

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

TITLE = "Jalan berlubang di depan SD Negeri 3"
DESCRIPTION = "Lubang besar di tengah jalan sejak dua minggu, motor sering jatuh saat hujan malam hari."
KECAMATAN = "Kec. Girian"
KELURAHAN = "Kel. Girian Bawah"

NewPage = Callable[..., Page]


def screenshot(page: Page, step: str, viewport: dict[str, int] = PHONE) -> None:
    """A full-page screenshot named by step and viewport, kept in tests/e2e/artifacts/ for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"{step}-{viewport['width']}x{viewport['height']}.png"
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")


def expect_photo_shown(page: Page) -> None:
    """The report's one photo is on the page and loaded (it is lazy, so bring it into view first)."""
    photo = page.locator("img[src^='/foto/']")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    page.evaluate("window.scrollTo(0, 0)")


def fill_report(page: Page, *, description: str = DESCRIPTION, photo: Path | None = None, **choices: bool) -> None:
    """Fill the form as a citizen would, with the kecamatan filter when JavaScript runs."""
    form = page.locator("#report-form")
    form.locator("input[name=kind][value=pengaduan]").check()
    form.locator("#id_category").select_option(label="Jalan rusak")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_description").fill(description)
    if form.locator("#id_kecamatan").is_visible():
        form.locator("#id_kecamatan").select_option(KECAMATAN)
    form.locator("#id_kelurahan").select_option(label=KELURAHAN)
    if photo is not None:
        form.locator("#id_photos").set_input_files(photo)
    form.locator("#id_reporter_name").fill("Maria Tumewu")
    form.locator("#id_reporter_phone").fill("0812 3456 7890")
    for name, ticked in choices.items():
        form.locator(f"#id_{name}").set_checked(ticked)
    form.locator("#id_consent").check()


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("#report-form button[type=submit]").click()


def tracking_code_on_confirmation(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/lapor/terkirim/BTG-"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert code.startswith("BTG-")
    return code


def track_by_typing(page: Page, code: str) -> None:
    page.goto("/lacak/")
    page.locator("#id_kode").fill(code.lower())
    with page.expect_navigation():
        page.locator("#id_kode").press("Enter")


def test_a_citizen_fixes_a_too_short_description_without_retyping_or_reattaching(new_page: NewPage, photo_file: Path):
    page = new_page(PHONE)
    page.goto("/")
    screenshot(page, "01-home")
    page.locator("main a[href='/lapor/']").first.click()
    expect(page).to_have_url(re.compile(r"/lapor/$"))

    fill_report(page, description="Jalan rusak.", photo=photo_file)
    # The kecamatan filter leaves only that kecamatan's kelurahan to choose from.
    shown_groups = page.locator("#id_kelurahan optgroup:not([disabled])")
    expect(shown_groups).to_have_count(1)
    expect(shown_groups).to_have_attribute("label", KECAMATAN)
    # The map is loaded on request (its tiles are blocked here); a tap in the middle marks a point in the city.
    page.locator("#map-open").click()
    expect(page.locator("#map .leaflet-container, #map.leaflet-container")).to_have_count(1)
    page.locator("#map").click()
    expect(page.locator("#id_latitude")).not_to_have_value("")
    expect(page.locator("#map-open")).to_be_hidden()
    expect(page.locator("#map-clear")).to_be_visible()
    screenshot(page, "02-form-filled")
    submit(page)

    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary a[href='#field-description']")).to_be_visible()
    expect(page.locator("#field-description .errorlist")).to_be_visible()
    expect(page.locator("#id_description")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errorlist")).to_have_count(1)
    # Everything else is still there, including the photo sent over the slow connection.
    expect(page.locator("#id_category option:checked")).to_have_text("Jalan rusak")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_description")).to_have_value("Jalan rusak.")
    expect(page.locator("#id_kecamatan")).to_have_value(KECAMATAN)
    expect(page.locator("#id_kelurahan option:checked")).to_have_text(KELURAHAN)
    expect(page.locator("#id_reporter_name")).to_have_value("Maria Tumewu")
    expect(page.locator("#id_reporter_phone")).to_have_value("0812 3456 7890")
    expect(page.locator("#id_consent")).to_be_checked()
    expect(page.locator("input[name=kind][value=pengaduan]")).to_be_checked()
    expect(page.locator("#id_latitude")).not_to_have_value("")
    expect(page.locator("#id_longitude")).not_to_have_value("")
    kept = page.locator("input[name=keep_photos]")
    expect(kept).to_have_count(1)
    expect(kept).to_be_checked()
    expect(page.locator("#field-keep_photos")).to_contain_text(photo_file.name)
    screenshot(page, "03-form-errors")

    page.locator("#error-summary a[href='#field-description']").click()
    page.locator("#id_description").fill(DESCRIPTION)
    submit(page)

    code = tracking_code_on_confirmation(page)
    screenshot(page, "04-confirmation")
    track_by_typing(page, code)
    expect(page).to_have_url(re.compile(f"/lacak/{code}/$"))
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(f".status.status-{Status.DITERIMA}")).to_be_visible()
    expect_photo_shown(page)
    screenshot(page, "05-tracking")

    report = Report.objects.get(code=code)
    assert (report.title, report.description, report.status) == (TITLE, DESCRIPTION, Status.DITERIMA)
    assert report.kelurahan.name == "Girian Bawah"
    assert report.reporter_phone == "+6281234567890"
    assert report.photos.count() == 1 == report.photo_count
    assert report.has_point


def test_a_rahasia_report_is_hidden_from_the_public_but_followed_by_its_code(new_page: NewPage):
    make_report(title="Lampu jalan mati di Jalan Sam Ratulangi")  # so the public list is not simply empty
    page = new_page(PHONE)
    page.goto("/lapor/")
    fill_report(page, is_confidential=True)
    submit(page)
    code = tracking_code_on_confirmation(page)
    assert Report.objects.get(code=code).is_confidential

    for path in ("/", "/laporan/"):
        page.goto(path)
        expect(page.locator("main")).to_contain_text("Lampu jalan mati")
        expect(page.locator("main")).not_to_contain_text(TITLE)
    for query in (code, "berlubang"):
        page.goto(f"/laporan/?q={query}")
        expect(page.locator("main .cards")).to_have_count(0)
    response = page.goto(f"/laporan/{code}/")
    assert response is not None
    assert response.status == 404

    track_by_typing(page, code)
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("head meta[name=robots]")).to_have_attribute("content", "noindex")


def test_the_form_works_without_javascript(new_page: NewPage, photo_file: Path):
    page = new_page(PHONE, java_script_enabled=False)
    page.goto("/lapor/")
    expect(page.locator("#field-kecamatan")).to_be_hidden()
    expect(page.locator("#map-box")).to_be_hidden()
    expect(page.locator("#id_kelurahan optgroup")).to_have_count(8)

    fill_report(page, photo=photo_file)
    submit(page)

    code = tracking_code_on_confirmation(page)
    screenshot(page, "nojs-confirmation")
    report = Report.objects.get(code=code)
    assert report.kelurahan.name == "Girian Bawah"
    assert report.photos.count() == 1


AXE_IMPACTS = ("serious", "critical")


def axe_violations(page: Page, axe_js: Path) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=axe_js)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in AXE_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"      {json.dumps(node['target'])}: {node['failureSummary']}" for node in v["nodes"][:5])
    return "\n".join(lines)


def test_public_pages_have_no_serious_accessibility_problems(new_page: NewPage, axe_js: Path):
    public = make_report(photos=1, title="Sampah menumpuk di pasar Girian")
    # CSP forbids inline scripts, and injecting axe is one; the pages themselves are not changed.
    page = new_page(PHONE, bypass_csp=True)
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        found[name] = axe_violations(page, axe_js)

    page.goto("/")
    check("home")
    page.goto("/lapor/")
    check("form")
    submit(page)
    expect(page.locator("#error-summary")).to_be_visible()
    check("form with errors")
    page.goto(f"/lapor/terkirim/{public.code}/")
    check("confirmation")
    page.goto("/lacak/")
    check("tracking")
    page.goto(f"/lacak/{public.code}/")
    check("tracking a report")
    page.goto("/laporan/")
    check("public list")
    page.goto(f"/laporan/{public.code}/")
    expect_photo_shown(page)
    check("report page")
    page.goto("/privasi/")
    check("privacy")
    page.goto("/staf/masuk/")
    check("staff sign-in")

    problems = {name: v for name, v in found.items() if v}
    assert not problems, "axe found serious or critical problems:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in problems.items()
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_of_every_public_page(new_page: NewPage, photo_file: Path, viewport: dict[str, int]):
    public = make_report(
        photos=1,
        title="Sampah menumpuk di pasar Girian",
        category=Category.objects.get(slug="sampah"),
        address="Depan pintu masuk pasar",
    )
    make_report(title="Lampu jalan mati di Jalan Sam Ratulangi")
    page = new_page(viewport)

    page.goto("/")
    screenshot(page, "home", viewport)
    page.goto("/lapor/")
    screenshot(page, "form", viewport)
    fill_report(page, description="Rusak.", photo=photo_file)
    submit(page)
    expect(page.locator("#error-summary")).to_be_visible()
    screenshot(page, "form-errors", viewport)
    page.locator("#id_description").fill(DESCRIPTION)
    submit(page)
    code = tracking_code_on_confirmation(page)
    screenshot(page, "confirmation", viewport)
    page.goto("/lacak/")
    screenshot(page, "track", viewport)
    page.goto(f"/lacak/{code}/")
    expect_photo_shown(page)
    screenshot(page, "tracking-report", viewport)
    page.goto("/laporan/")
    screenshot(page, "list", viewport)
    page.goto(f"/laporan/{public.code}/")
    expect_photo_shown(page)
    screenshot(page, "report", viewport)
    page.goto("/privasi/")
    screenshot(page, "privacy", viewport)
