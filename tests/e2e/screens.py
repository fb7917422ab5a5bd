"""Screenshots for people to look at: each step at a phone's and a laptop's size, into tests/e2e/artifacts/ (or
$SCREENSHOTS_DIR), never committed."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", Path(__file__).resolve().parent / "artifacts"))


def shots(page: Page, name: str) -> None:
    """`name`-360x800.png and `name`-1366x768.png, full page; the page is left at the laptop's size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=SHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
