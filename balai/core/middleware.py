"""Request middleware: attach the Pemda and its time zone, choose the language, hold back sessions that still
lack the second sign-in step, set the Permissions-Policy."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from .auth import second_step_missing
from .changes import memos_follow_shared_version
from .selectors import pemda_current

# Health probes answer without the database (liveness) or check it themselves (readiness).
PROBE_PATHS = frozenset({"/healthz", "/readyz"})


class PemdaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PROBE_PATHS:
            request.pemda = None  # type: ignore[attr-defined]
            return self.get_response(request)
        # Another process may have changed what this one keeps copies of: one query, before any copy is read.
        memos_follow_shared_version()
        pemda = pemda_current()
        request.pemda = pemda  # type: ignore[attr-defined]
        if pemda is not None:
            timezone.activate(pemda.time_zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class StaffTwoFactorMiddleware:
    """A signed-in session that still lacks its second step opens only that step, sign-out and the language switch.

    Every other page sends it there, public pages included: some of them (photos of a report, for instance)
    show staff more than the public, so "staff pages" cannot be told apart by their address alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        missing = second_step_missing(request)
        if missing is None:
            return self.get_response(request)
        target = reverse("core:login_code" if missing == "code" else "core:security")
        if request.path in {target, reverse("core:logout"), reverse("set_language")}:
            return self.get_response(request)
        if missing == "code":
            # Back to the page asked for once the code is in.
            return redirect_to_login(request.get_full_path(), login_url=target)
        return redirect(target)


class LanguageMiddleware:
    """Bahasa Indonesia unless the person chose another language with the switch (a cookie).

    The browser's Accept-Language is ignored on purpose: many phones in Indonesia are set to English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PermissionsPolicyMiddleware:
    """Turn off browser features Balai does not use; only its own pages may ask for the location (the map)."""

    POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the one place that reads it, for rate limits, login throttling (django-axes, through
    AXES_CLIENT_IP_CALLABLE) and the audit trail alike.

    Behind PROXY_COUNT reverse proxies, REMOTE_ADDR is the nearest proxy. Each proxy appends the address it received
    the request from to X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right; entries further
    left were written by the client and prove nothing. With fewer entries than proxies (a request that bypassed a
    proxy, or a misconfigured one), or an entry that is not an address, the peer (REMOTE_ADDR) is the answer: never
    a value the client could have chosen. Calling it again on a request ProxiedClientAddressMiddleware has already
    rewritten gives the same answer.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.PROXY_COUNT
    if proxies <= 0:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return peer
    client = hops[-proxies]
    try:
        ipaddress.ip_address(client)
    except ValueError:
        return peer
    return client


class ProxiedClientAddressMiddleware:
    """Behind reverse proxies, REMOTE_ADDR becomes the client's address (`client_address`) for everything after.

    Without this, every citizen behind nginx would share one rate limit (127.0.0.1): django-ratelimit reads
    REMOTE_ADDR itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = client_address(request)
        if client is not None:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
