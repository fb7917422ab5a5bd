"""The public addresses in use, as this installation actually receives them, for `balai doctor`.

A request that carries an `Origin` header (a browser's form post or script call, and `balai doctor`'s own visit
of SITE_URL) is remembered with what the web server passes on (scheme and `Host`, as Django sees them behind the
proxy) beside what the browser says it is on. Each process writes a pair at most once a minute, to the shared cache
(the database cache by default, so every worker and the `balai doctor` command see them); pairs are kept a week.
Requests without `Origin` (most page views, health probes, API clients) cost nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host
from django.utils import timezone

CACHE_KEY = "balai.platform.origins"
KEEP = timedelta(days=7)
KEEP_AT_MOST = 10
WRITE_EVERY_SECONDS = 60
SKIPPED_PATHS = ("/healthz", "/readyz", "/static/")


@dataclass(frozen=True)
class SeenOrigin:
    server: str  # scheme://host[:port] as Django sees it behind the web server
    browser: str  # the Origin header of a post, "" for a request without one
    when: datetime


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, without a default port (443 for https, 80 for http)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def origin_seen(*, server: str, browser: str, now: datetime | None = None) -> None:
    """Add one sighting to the shared record (newest first, a week at most, ten addresses at most)."""
    now = now or timezone.now()
    seen = [s for s in origins_seen() if (s.server, s.browser) != (server, browser) and now - s.when < KEEP]
    seen.insert(0, SeenOrigin(server=server, browser=browser, when=now))
    # Plain values in the cache (not pickled classes), so another Balai version reads them too.
    rows = [[s.server, s.browser, s.when.timestamp()] for s in seen[:KEEP_AT_MOST]]
    cache.set(CACHE_KEY, rows, timeout=int(KEEP.total_seconds()))


def origins_seen(*, since: datetime | None = None) -> list[SeenOrigin]:
    """The addresses seen, newest first."""
    seen: list[SeenOrigin] = []
    for row in cache.get(CACHE_KEY) or []:
        try:
            server, browser, stamp = row
            seen.append(SeenOrigin(str(server), str(browser), datetime.fromtimestamp(float(stamp), tz=UTC)))
        except (TypeError, ValueError):
            continue
    return [s for s in seen if since is None or s.when >= since]


class PublicOriginMiddleware:
    """Remembers the address of requests as they arrive (see the module's docstring); never fails a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._written: dict[tuple[str, str], float] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "Origin" in request.headers and not request.path.startswith(SKIPPED_PATHS):
            self._remember(request)
        return self.get_response(request)

    def _remember(self, request: HttpRequest) -> None:
        try:
            server = origin_of(f"{request.scheme}://{request.get_host()}")
        except DisallowedHost:  # Django answers such a request itself (400)
            return
        browser = request.headers.get("Origin", "")
        if browser:
            domain, _port = split_domain_port(urlsplit(browser).netloc)
            # Only an address this site answers to: a foreign page posting here must not fill the record.
            browser = origin_of(browser) if domain and validate_host(domain, settings.ALLOWED_HOSTS) else ""
        key = (server, browser)
        moment = time.monotonic()
        if moment - self._written.get(key, -WRITE_EVERY_SECONDS) < WRITE_EVERY_SECONDS:
            return
        self._written[key] = moment
        try:
            origin_seen(server=server, browser=browser)
        except Exception:  # a cache that cannot be written must not cost a citizen their request
            return
