"""In a real browser: a data officer of Dinas Kesehatan uploads a CSV with its data dictionary, the walidata
publishes it, and a citizen finds it in the catalogue and previews it, on a phone; axe checks the public pages.
Screenshots of each step at 360x800 and 1366x768 go to /tmp/data-shots/ (or $DATA_SHOTS) for people to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from balai.core.models import Unit
from balai.core.services import membership_grant
from balai.data.models import Dataset
from balai.platform.demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_js, browser, new_page, site  # noqa: F401 - the browser fixtures
from tests.e2e.test_citizen_journey import axe_violations, describe

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("DATA_SHOTS", "/tmp/data-shots"))  # noqa: S108 - a place for people to look
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
CSV = "kode_kecamatan,kecamatan,puskesmas,dokter\r\n71.72.01,Lembeh Selatan,2,5\r\n71.72.02,Madidir,3,7\r\n71.72.03,Ranowulu,1,2\r\n"


def shots(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=SHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_in(page: Page, username: str) -> None:
    page.goto("/staf/masuk/", timeout=30_000)  # the first page of a live server may be slow on a busy machine
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/staf/$"))


def _person(username: str, unit: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.id", DEMO_PASSWORD)
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit), role=role, module="data")
    return user


def test_an_officer_uploads_the_walidata_publishes_and_a_citizen_previews(
    new_page: Callable[..., Page],  # noqa: F811
    axe_js: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    _person("data.dinkes.e2e", "dinkes", "petugas_data")
    _person("walidata.e2e", "diskominfo", "walidata")
    upload = tmp_path / "puskesmas-2025.csv"
    upload.write_text(CSV, encoding="utf-8")

    officer = new_page(DESKTOP)
    sign_in(officer, "data.dinkes.e2e")
    officer.goto("/staf/data/")
    officer.locator("a[href='/staf/data/baru/']").click()
    officer.locator("#id_title").fill("Jumlah puskesmas dan dokter per kecamatan 2025")
    officer.locator("#id_notes").fill("Banyaknya puskesmas dan dokter di setiap kecamatan pada akhir 2025.")
    officer.locator("#id_steward").fill("Diskominfo Kota Bitung")
    officer.locator("#id_frequency").select_option("yearly")
    officer.locator("#id_tags").fill("kesehatan, puskesmas")
    shots(officer, "1-officer-new-dataset")
    with officer.expect_navigation():
        officer.locator("form button[type=submit].primary").click()
    dataset = Dataset.objects.get(title__startswith="Jumlah puskesmas dan dokter")
    expect(officer).to_have_url(re.compile(f"/staf/data/{dataset.uuid}/$"))

    # A dictionary that forgets a column: refused, what was typed is kept.
    officer.locator("#id_file").set_input_files(upload)
    officer.locator("#id_dictionary").fill(
        "kode_kecamatan: kode Kemendagri\nkecamatan: nama kecamatan\npuskesmas: jumlah puskesmas (unit)"
    )
    with officer.expect_navigation():
        officer.locator("#upload ~ form button[type=submit]").click()
    expect(officer.locator(".error-summary")).to_contain_text("dokter")
    expect(officer.locator("#id_dictionary")).to_have_value(re.compile("puskesmas: jumlah puskesmas"))
    shots(officer, "2-officer-upload-refused")
    officer.locator("#id_file").set_input_files(upload)
    officer.locator("#id_dictionary").fill(
        officer.locator("#id_dictionary").input_value() + "\ndokter: jumlah dokter (orang)"
    )
    with officer.expect_navigation():
        officer.locator("#upload ~ form button[type=submit]").click()
    expect(officer.locator(".messages")).to_be_visible()
    with officer.expect_navigation():
        officer.locator("button[name=action][value=submit]").click()
    shots(officer, "3-officer-sent")
    assert Dataset.objects.get(pk=dataset.pk).state == "submitted"

    walidata = new_page(DESKTOP)
    sign_in(walidata, "walidata.e2e")
    walidata.goto("/staf/data/?status=submitted")
    walidata.locator(f"a[href='/staf/data/{dataset.uuid}/']").click()
    shots(walidata, "4-walidata-review")
    with walidata.expect_navigation():
        walidata.locator("button[name=action][value=publish]").click()
    assert Dataset.objects.get(pk=dataset.pk).state == "published"

    citizen = new_page(PHONE, bypass_csp=True, java_script_enabled=True)
    citizen.goto("/data/")
    citizen.locator("#q").fill("puskesmas dokter")
    with citizen.expect_navigation():
        citizen.locator("form[role=search] button[type=submit]").click()
    shots(citizen, "5-citizen-catalogue")
    problems = {"catalogue": axe_violations(citizen, axe_js)}
    citizen.locator(f"a[href='/data/{dataset.name}/']").click()
    expect(citizen.locator("table.preview tbody tr")).to_have_count(3)
    expect(citizen.locator("table.preview")).to_contain_text("Ranowulu")
    shots(citizen, "6-citizen-dataset")
    problems["dataset"] = axe_violations(citizen, axe_js)
    with citizen.expect_download() as download:
        citizen.locator("a[download]").first.click()
    assert Path(download.value.path()).read_text(encoding="utf-8-sig").startswith("kode_kecamatan,kecamatan")
    assert dataset.resources.get().download_count == 1
    assert not any(problems.values()), "\n".join(f"{k}:\n{describe(v)}" for k, v in problems.items() if v)
