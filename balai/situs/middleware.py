"""The host rule: a go.id host mapped to a unit serves that unit's site at its root.

`dinkes.bitungkota.go.id/berita/` answers as `/opd/dinkes/berita/`. A host maps to a unit when a site's `host`
field names it, or when it is `<unit slug>.<SITUS_HOST_SUFFIX>` (settings; empty: no suffix rule). Paths of the
platform itself (/staf/, /static/, /media/, /bahasa/, …) and paths already below the site pass unchanged."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PASS = ("/staf/", "/static/", "/media/", "/bahasa/", "/api/", "/open311/", "/healthz", "/readyz", "/lapor/",
        "/lacak/", "/laporan/", "/foto/", "/lampiran/", "/statistik/", "/portal/", "/sitemap.xml", "/robots.txt")  # fmt: skip


LOCAL = frozenset({"localhost", "127.0.0.1", "[::1]", "testserver"})


def site_for_host(host: str) -> str | None:
    """The path of the site a host is mapped to ("/opd/dinkes/"), or None."""
    from .models import Site

    host = host.split(":", 1)[0].lower()
    if not host or host in LOCAL or host == urlsplit(settings.SITE_URL).hostname:
        return None  # the Pemda's own address: no lookup on every request
    site = Site.objects.filter(host=host, is_active=True).select_related("unit").first()
    suffix = settings.SITUS_HOST_SUFFIX.lower().strip(".")
    if site is None and suffix and host.endswith(f".{suffix}"):
        slug = host[: -len(suffix) - 1]
        if slug and "." not in slug:
            site = Site.objects.filter(unit__slug=slug, is_active=True).select_related("unit").first()
    return site.path if site is not None else None


class SiteHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(PASS):
            base = site_for_host(request.get_host())
            if base is not None and not path.startswith(base):
                request.path_info = base + path.lstrip("/")
        return self.get_response(request)
