"""Screenshots of the public pages, and of staff pages signed in as a demo user, at phone and desktop size.

uv run python scripts/screenshots.py [BASE_URL] [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
SIZES = {"phone": (360, 800), "desktop": (1366, 768)}
DEMO_PASSWORD = "demo-balai-2026"  # noqa: S105 - the demo's published password
# name: (demo user, path)
STAFF_PAGES = {
    "readiness": ("koordinator", "/staf/dasbor/kesiapan/"),
    "readiness-opd": ("koordinator", "/staf/dasbor/kesiapan/dinas-pupr/"),
    "readiness-head": ("kepala.pupr", "/staf/dasbor/kesiapan/"),
    "guide": ("operator.dinkes", "/staf/panduan/"),
}


def staff_screenshots(browser: Browser, base: str, out: Path, size_name: str, width: int, height: int) -> None:
    """Each staff page in a fresh context signed in as its demo user (through the sign-in form)."""
    for name, (username, path) in STAFF_PAGES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{base}/staf/masuk/?next={path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.screenshot(path=out / f"staff-{name}-{size_name}.png", full_page=True)
        context.close()


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
        "statistics": "/statistik/",
        "open-data": "/statistik/data/",
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
            staff_screenshots(browser, base, out, size_name, width, height)
        browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
