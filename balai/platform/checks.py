"""System checks of `balai check --deploy`: a server on HTTPS must not hold the demo city or its well-known logins,
a production server must know its public address, and nginx must be able to read the static files."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError, transaction

from balai.lib.files import closed_to_others

DEMO_DATA_HINT = (
    "This database holds the demo city (sample reports, the DEMO banner on every page). A real installation starts "
    "from an empty database: `balai flush` deletes everything in this one (only on a server that holds nothing "
    "else), then prepare it as in docs/deploy.md section 6 (`balai wilayah import`, `balai pemda setup`, "
    "`balai createsuperuser`)."
)
DEMO_ACCOUNTS_HINT = (
    "Give each of them a password of its own with `balai changepassword <username>`, or delete them at "
    "/staf/admin/ (System administrator)."
)


@register(Tags.security, deploy=True)
def demo_absent_on_https(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """balai.E001: demo data; balai.E002: active demo accounts that still sign in with the published password.

    Silent without HTTPS (`make run` serves the demo on http) and while the database cannot answer (not migrated
    yet: docs/deploy.md runs this check before `balai migrate`).
    """
    if not settings.HTTPS:
        return []
    try:
        with transaction.atomic():  # a failed query inside a caller's transaction must not poison it (PostgreSQL)
            demo_pemda, demo_accounts = _demo_present()
    except DatabaseError:  # OperationalError, ProgrammingError: no database or no tables yet
        return []
    errors: list[CheckMessage] = []
    if demo_pemda:
        errors.append(
            Error(
                f"The demo city is loaded ({demo_pemda}) while HTTPS is on (BALAI_HTTPS=true).",
                hint=DEMO_DATA_HINT,
                id="balai.E001",
            )
        )
    if demo_accounts:
        errors.append(
            Error(
                "Demo accounts sign in with the published demo password: " + ", ".join(demo_accounts) + ".",
                hint=DEMO_ACCOUNTS_HINT,
                id="balai.E002",
            )
        )
    return errors


def _demo_present() -> tuple[str, list[str]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password

    from balai.core.models import Pemda
    from balai.core.registry import registry
    from balai.platform.demo import DEMO_PASSWORD, DEMO_USERS

    demo_pemda = ", ".join(Pemda.objects.filter(is_demo=True).values_list("name", flat=True))
    demo_usernames = [user.username for user in DEMO_USERS] + [name for name, _shows in registry.demo_logins()]
    # A real account may well be called "admin": what makes it a demo account is the password anyone can read.
    candidates = get_user_model().objects.filter(username__in=demo_usernames, is_active=True).order_by("username")
    demo_accounts = [user.username for user in candidates if check_password(DEMO_PASSWORD, user.password, setter=None)]
    return demo_pemda, demo_accounts


SITE_URL_HINT = (
    "Set SITE_URL to the address people reach this server at, for example SITE_URL=https://lapor.bitungkota.go.id "
    "(in /etc/balai/balai.env; see docs/configuration.md). `balai run` sets it for the demo; `balai serve` needs it."
)


def site_url_problem(url: str) -> str:
    """Why `url` cannot be the public address of a production server, or "" when it can."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"SITE_URL={url!r} is not an http:// or https:// address."
    host = parts.hostname
    try:
        loopback = ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if loopback:
        return (
            f"SITE_URL is not set, or names this machine itself ({url}): links in emails, Open311 and the API "
            "would send people there."
        )
    return ""


@register(Tags.security, deploy=True)
def site_url_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """balai.E003: a production server without its public address (SITE_URL unset, local or malformed)."""
    problem = site_url_problem(settings.SITE_URL)
    return [Error(problem, hint=SITE_URL_HINT, id="balai.E003")] if problem else []


STATIC_ROOT_HINT = (
    "nginx runs as its own user (www-data) and serves /static/ from STATIC_ROOT, so every directory on the way "
    "must be open to others (mode 0755) or each static file answers 403 and the site has no styles and no map. "
    "Keep STATIC_ROOT outside the private data directory, as in deploy/balai.env.example "
    "(STATIC_ROOT=/var/www/balai/static), created by docs/deploy.md step 2: "
    "`install -d -o balai -g balai -m 0755 /var/www/balai /var/www/balai/static`."
)


@register(Tags.security, deploy=True)
def static_root_readable_by_web_server(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """balai.W010: a directory on the way to STATIC_ROOT that nginx's user cannot enter (e.g. the 0750 data dir)."""
    closed = closed_to_others(settings.STATIC_ROOT)
    if closed is None:
        return []
    return [
        Warning(
            f"The web server cannot read STATIC_ROOT={settings.STATIC_ROOT}: {closed} is closed to other users "
            f"(mode {closed.stat().st_mode & 0o777:04o}).",
            hint=STATIC_ROOT_HINT,
            id="balai.W010",
        )
    ]
