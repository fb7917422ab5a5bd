"""The report form's map marker shows its pictures, with the hashed static file names production serves."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, Request, Response, Route, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
# Screenshots for people to look at: tests/e2e/artifacts/, or SCREENSHOTS_DIR.
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", Path(__file__).resolve().parent / "artifacts"))

NewPage = Callable[..., Page]


@pytest.fixture
def production_static(settings: Any, tmp_path: Path) -> Path:
    """Static files collected with hashed names, as `balai run` and `balai serve` serve them."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


def serve_collected(page: Page, root: Path) -> None:
    """Answer /static/ from the collected folder only (as WhiteNoise or nginx do), not from the source folders."""

    def fulfil(route: Route) -> None:
        path = root / urlsplit(route.request.url).path.removeprefix("/static/")
        if path.is_file():
            route.fulfill(path=path)
        else:
            route.fulfill(status=404, body="not collected")

    page.route("**/static/**", fulfil)


def watch_images(page: Page) -> list[str]:
    """Every image request that failed or answered with an error, as 'STATUS URL'."""
    failed: list[str] = []

    def on_response(response: Response) -> None:
        if response.request.resource_type == "image" and response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    def on_failed(request: Request) -> None:
        # Map tiles from outside are blocked by the test fixture on purpose; only our own images count.
        if request.resource_type == "image" and "/static/" in request.url:
            failed.append(f"failed {request.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    return failed


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_map_marker_images_load_on_the_report_form(
    new_page: NewPage, production_static: Path, viewport: dict[str, int]
) -> None:
    page = new_page(viewport)
    serve_collected(page, production_static)
    failed = watch_images(page)
    page.goto("/lapor/", timeout=60_000)  # the first request of a session reads the city's places
    page.locator("#map-open").click()
    expect(page.locator("#map.leaflet-container")).to_have_count(1)
    page.locator("#map").click()
    marker = page.locator("#map img.leaflet-marker-icon")
    expect(marker).to_have_count(1)
    shadow = page.locator("#map img.leaflet-marker-shadow")
    expect(shadow).to_have_count(1)
    for image in (marker, shadow):
        page.wait_for_function("img => img.complete", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")
    page.wait_for_load_state("networkidle")
    assert failed == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#map-box").screenshot(path=SHOTS / f"map-marker-{viewport['width']}x{viewport['height']}.png")
