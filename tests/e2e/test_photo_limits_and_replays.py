"""In a real browser: a photo past the pixel limit is explained beside the photos with nothing else lost, and a
form token copied into another browser opens only the public tracking page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.lapor.test_photo_pipeline import _png_claiming

from .test_citizen_journey import (
    DESKTOP,
    PHONE,
    TITLE,
    NewPage,
    fill_report,
    screenshot,
    submit,
    tracking_code_on_confirmation,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_picture_past_the_pixel_limit_is_explained_beside_the_photos_and_nothing_typed_is_lost(
    new_page: NewPage, tmp_path: Path, viewport: dict[str, int]
):
    big = tmp_path / "tangkapan-layar.png"
    big.write_bytes(_png_claiming(4_000, 3_000))  # 12 megapixels in its header, 70 bytes on disk
    page = new_page(viewport)
    # The live server's first form of the session reads the city's places: slow on a busy machine.
    page.goto("/lapor/", timeout=60_000)
    fill_report(page, photo=big)

    submit(page)

    photo_errors = page.locator("#field-photos")
    expect(photo_errors).to_contain_text("tangkapan-layar.png")
    expect(photo_errors).to_contain_text("12 megapiksel")
    expect(photo_errors).to_contain_text("paling banyak 8 megapiksel")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_reporter_name")).to_have_value("Maria Tumewu")
    screenshot(page, "photo-too-many-pixels", viewport)


def test_a_form_token_copied_into_another_browser_opens_only_the_public_tracking_page(
    new_page: NewPage, tmp_path: Path
):
    photo = tmp_path / "lubang.jpg"
    Image.new("RGB", (640, 480), (120, 110, 100)).save(photo, format="JPEG")
    citizen = new_page(PHONE)
    citizen.goto("/lapor/")
    token = citizen.locator("input[name=form_token]").input_value()
    fill_report(citizen, photo=photo)
    submit(citizen)
    code = tracking_code_on_confirmation(citizen)

    other = new_page(PHONE)
    other.goto("/lapor/")
    other.locator("input[name=form_token]").evaluate("(input, token) => { input.value = token; }", token)
    fill_report(other)
    submit(other)

    expect(other).to_have_url(re.compile(rf"/lacak/{code}/$"))
    other.goto(f"/lapor/terkirim/{code}/")
    expect(other).to_have_url(re.compile(rf"/lacak/{code}/$"))
    screenshot(other, "replayed-token-tracking", PHONE)
