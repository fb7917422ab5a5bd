"""Screenshots of the public pages at phone and desktop size, for looking at what we build.

uv run python scripts/screenshots.py [BASE_URL] [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
SIZES = {"phone": (360, 800), "desktop": (1366, 768)}


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "var/screens")
    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": "/",
        "form": "/lapor/",
        "list": "/laporan/",
        "track": "/lacak/",
        "privacy": "/privasi/",
        "login": "/staf/masuk/",
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for size_name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in pages.items():
                page.goto(base + path)
                page.screenshot(path=out / f"{name}-{size_name}.png", full_page=True)
            first = page.locator(".cards a").first
            if first.count():
                first.click()
                page.screenshot(path=out / f"detail-{size_name}.png", full_page=True)
            page.close()
        browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
