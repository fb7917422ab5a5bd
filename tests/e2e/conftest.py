"""Browser journeys: Debian's chromium driven by Playwright against pytest-django's live server.

Every page gets a bounded timeout and may only talk to the live server, so no map tile or other
outside request can slow a test down or make it depend on the network.
"""

from __future__ import annotations

import atexit
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from balai.core.models import Pemda

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".cache" / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
TIMEOUT_MS = 10_000


_SHARED: dict[str, Any] = {}


def _shared_browser() -> Browser:
    """One Playwright and one Chromium per test process. Module suites import the `browser` fixture into their own
    conftest or test files, which defines it again there: each definition must get this same browser, since a
    second sync Playwright in one process refuses to start (it finds the first one's asyncio loop running)."""
    if "browser" not in _SHARED:
        playwright = sync_playwright().start()
        _SHARED["playwright"] = playwright
        _SHARED["browser"] = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000
        )
        atexit.register(_close_shared_browser)
    return _SHARED["browser"]


def _close_shared_browser() -> None:
    browser, playwright = _SHARED.pop("browser", None), _SHARED.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(autouse=True)
def _readiness_pages_with_lapor_alone(request: Any) -> Iterator[None]:
    """The readiness journeys describe lapor's column and menu; each joining module tests its own."""
    if "test_dasbor_readiness" not in request.node.nodeid:
        yield
        return
    from tests.dasbor.conftest import without_joining_modules

    yield from without_joining_modules()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    yield _shared_browser()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core, copied from npm by the vendoring script the first time it is needed."""
    if not AXE_JS.exists():
        subprocess.run([str(ROOT / "scripts" / "vendor-static.sh"), "--test"], cwd=ROOT, check=True, timeout=120)
    return AXE_JS


@pytest.fixture
def site(live_server: Any, city: Pemda) -> str:
    """The live server's address, with the demo city loaded (the database is emptied after each test)."""
    return str(live_server.url)


@pytest.fixture
def new_page(browser: Browser, site: str) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (own cookies); extra keyword arguments go to the context.

    Any Content-Security-Policy violation the browser reports (an inline style or script slipped into a
    template) fails the test when it ends.
    """
    contexts: list[BrowserContext] = []
    csp_violations: list[str] = []
    local = urlsplit(site).netloc

    def block_outside(route: Route) -> None:
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            route.abort()

    def open_page(viewport: dict[str, int], **options: Any) -> Page:
        context = browser.new_context(viewport=viewport, base_url=site, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route("**/*", block_outside)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not csp_violations, "the browser refused something under the CSP:\n" + "\n".join(csp_violations)


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    """A small JPEG like one from a cheap phone camera."""
    path = tmp_path / "jalan-berlubang.jpg"
    Image.new("RGB", (640, 480), (120, 110, 100)).save(path, format="JPEG", quality=80)
    return path
