"""`balai doctor`: what still stands between this installation and going live, one check per line.

The checks are the "First hour after install" checklist of docs/deploy.md, item for item (a test compares
them): the platform's own below, then each module's (`go_live` in balai/core/registry.py). Each check looks at
the installation as it is now: the database, the settings, the backups on disk, and the site through its public
address (SITE_URL), fetched with a short timeout like a visitor would.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from contextlib import nullcontext
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.registry import GoLiveCheck, GoLiveFinding, registry
from balai.core.selectors import pemda_current
from balai.lib.zones import zone_for_wilayah

from .backup import last_backup
from .checks import _demo_present, site_url_problem
from .mailtest import SILENT_BACKENDS, mail_proof_last
from .origins import origin_of, origins_seen

FETCH_TIMEOUT_SECONDS = 5
BACKUP_MAX_AGE = timedelta(hours=36)  # a nightly backup, with room for a slow night
ADDRESSES_SINCE = timedelta(days=7)
STATIC_PROBE = "balai/css/balai.css"  # every page links it
SETTINGS_FILE = "/etc/balai/balai.env"


def _when(moment: datetime) -> str:
    pemda = pemda_current()
    zone = ZoneInfo(pemda.time_zone if pemda is not None else settings.TIME_ZONE)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def fetch(url: str, *, origin: str = "") -> tuple[int | None, str]:
    """GET `url` as a visitor would: (HTTP status, "") or (None, why it could not be fetched)."""
    request = urllib.request.Request(url, headers={"User-Agent": "balai-doctor"})  # noqa: S310 - http(s) only
    if origin:
        request.add_header("Origin", origin)
    if urlsplit(url).scheme not in {"http", "https"}:
        return None, _("not an http:// or https:// address")
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, str(reason)


# --- The platform's checks -----------------------------------------------------------------------------------


def pemda_ready() -> GoLiveFinding:
    pemda = pemda_current()
    if pemda is None:
        return GoLiveFinding(
            False,
            _("There is no Pemda profile yet."),
            _(
                "sudo balai wilayah import, then sudo balai pemda setup CODE --prefix ABC --bounds=S,N,W,E "
                "(docs/deploy.md, section 6)."
            ),
        )
    return GoLiveFinding(True, _("%(name)s (%(code)s).") % {"name": pemda.name, "code": pemda.wilayah_id})


def demo_absent() -> GoLiveFinding:
    demo_pemda, demo_accounts = _demo_present()
    if demo_pemda:
        return GoLiveFinding(
            False,
            _("The demo city is loaded (%(name)s): sample reports and the DEMO banner.") % {"name": demo_pemda},
            _(
                "Start from an empty database: sudo balai flush (it deletes everything in this database), then "
                "docs/deploy.md section 6."
            ),
        )
    if demo_accounts:
        return GoLiveFinding(
            False,
            _("Demo accounts sign in with the published demo password: %(names)s.")
            % {"names": ", ".join(demo_accounts)},
            _("Give each its own password (sudo balai changepassword NAME) or delete it at /staf/admin/."),
        )
    return GoLiveFinding(True, _("No demo data, no demo password."))


def time_zone_ready() -> GoLiveFinding:
    pemda = pemda_current()
    if pemda is None:
        return GoLiveFinding(False, _("There is no Pemda profile yet."), _("Set up the Pemda first (above)."))
    expected = zone_for_wilayah(pemda.wilayah_id)
    if pemda.time_zone != expected:
        return GoLiveFinding(
            False,
            _("The Pemda's time zone is %(zone)s, but %(code)s lies in %(expected)s: deadlines and dates would be off.")
            % {"zone": pemda.time_zone, "code": pemda.wilayah_id, "expected": expected},
            _("Set the time zone to %(expected)s at /staf/admin/core/pemda/ (the Pemda profile).")
            % {"expected": expected},
        )
    return GoLiveFinding(True, pemda.time_zone)


def site_url_ready() -> GoLiveFinding:
    if site_url_problem(settings.SITE_URL):
        return GoLiveFinding(
            False,
            _(
                "SITE_URL (%(url)s) is unset, not an http(s) address, or names this machine itself: links in "
                "emails, Open311 and the API would lead there."
            )
            % {"url": settings.SITE_URL},
            _("Set SITE_URL=https://YOUR.HOST.go.id in %(file)s and restart balai-web and balai-worker.")
            % {"file": SETTINGS_FILE},
        )
    expected = origin_of(settings.SITE_URL)
    # The visit is remembered by the site itself (balai/platform/origins.py), with the scheme and Host the web
    # server passes; the Origin header is the one a browser on SITE_URL would send with a form.
    status, error = fetch(settings.SITE_URL + "/lacak/", origin=expected)  # a light public page
    seen = origins_seen(since=timezone.now() - ADDRESSES_SINCE)
    if not seen:
        return GoLiveFinding(
            False,
            _("No visit through SITE_URL (%(url)s) has reached Balai: %(error)s.")
            % {"url": settings.SITE_URL, "error": error or _("HTTP %(status)s") % {"status": status}},
            _(
                "Check the DNS name, nginx (sudo nginx -t; systemctl status nginx) and balai-web "
                "(systemctl status balai-web): SITE_URL must lead to this Balai."
            ),
        )
    in_use = sorted({s.browser or s.server for s in seen} - {expected})
    if in_use:
        return GoLiveFinding(
            False,
            _("Balai is reached as %(seen)s, but SITE_URL is %(expected)s: links in emails and the API would differ.")
            % {"seen": ", ".join(in_use), "expected": expected},
            _(
                "If people use %(expected)s, make nginx pass the host with its port and the scheme "
                "(proxy_set_header Host $http_host; proxy_set_header X-Forwarded-Proto $scheme;); otherwise set "
                "SITE_URL to the address people use, in %(file)s."
            )
            % {"expected": expected, "file": SETTINGS_FILE},
        )
    return GoLiveFinding(True, expected)


def _trusted(origin: str) -> bool:
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in entry:
            scheme, _sep, pattern = entry.partition("://")
            suffix = pattern.removeprefix("*")
            if origin.startswith(f"{scheme}://") and origin.endswith(suffix):
                return True
        elif origin_of(entry) == origin:
            return True
    return False


def forms_accepted() -> GoLiveFinding:
    if site_url_problem(settings.SITE_URL):
        return GoLiveFinding(False, _("SITE_URL is not set (above)."), _("Set SITE_URL first."))
    posted = [s for s in origins_seen(since=timezone.now() - ADDRESSES_SINCE) if s.browser]
    if not posted:
        return GoLiveFinding(
            False,
            _("No request through SITE_URL has reached Balai, so forms could not be checked."),
            _("Make SITE_URL lead to this Balai (above), then run balai doctor again."),
        )
    refused = sorted({(s.browser, s.server) for s in posted if s.browser != s.server and not _trusted(s.browser)})
    if refused:
        browser, server = refused[0]
        return GoLiveFinding(
            False,
            _(
                "A form sent from %(browser)s would be refused (CSRF): behind the web server Balai sees the "
                "request as %(server)s."
            )
            % {"browser": browser, "server": server},
            _(
                "Add CSRF_TRUSTED_ORIGINS=%(browser)s in %(file)s, or make nginx pass the host with its port and "
                "the scheme (proxy_set_header Host $http_host; proxy_set_header X-Forwarded-Proto $scheme;)."
            )
            % {"browser": ", ".join(sorted({b for b, _s in refused})), "file": SETTINGS_FILE},
        )
    return GoLiveFinding(True, ", ".join(sorted({s.browser for s in posted})))


def static_files_served() -> GoLiveFinding:
    if site_url_problem(settings.SITE_URL):
        return GoLiveFinding(False, _("SITE_URL is not set (above)."), _("Set SITE_URL first."))
    try:
        path = staticfiles_storage.url(STATIC_PROBE)
    except ValueError:  # the manifest of hashed names is missing: collectstatic has not run
        return GoLiveFinding(
            False,
            _("The static files have not been collected."),
            _("sudo balai collectstatic --noinput"),
        )
    url = urljoin(settings.SITE_URL + "/", path)
    status, error = fetch(url)
    if status == 200:
        return GoLiveFinding(True, url)
    fix = _(
        "nginx's `location /static/` must point at STATIC_ROOT (%(root)s), and the user nginx runs as must be able "
        "to read it and enter every folder above it (chmod 0755 on each); then sudo balai collectstatic --noinput."
    ) % {"root": settings.STATIC_ROOT}
    if status in {403, 404}:
        return GoLiveFinding(
            False,
            _("%(url)s answers %(status)d: pages would have no styles and no map.") % {"url": url, "status": status},
            fix,
        )
    return GoLiveFinding(
        False,
        _("%(url)s could not be fetched: %(error)s.")
        % {"url": url, "error": error or _("HTTP %(status)s") % {"status": status}},
        fix,
    )


def mail_proven() -> GoLiveFinding:
    fix = _("sudo balai mail test YOUR.ADDRESS@example.go.id, and check that it arrives.")
    if settings.EMAIL_BACKEND in SILENT_BACKENDS:
        return GoLiveFinding(
            False,
            _("EMAIL_BACKEND is %(backend)s: no email leaves this machine.") % {"backend": settings.EMAIL_BACKEND},
            _("Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the SMTP server in %(file)s.")
            % {"file": SETTINGS_FILE},
        )
    proof = mail_proof_last()
    if proof is None:
        return GoLiveFinding(False, _("No test email has been sent yet."), fix)
    if not proof.current:
        return GoLiveFinding(
            False,
            _("The last test email (%(when)s) was sent with other mail settings than today's.")
            % {"when": _when(proof.when)},
            fix,
        )
    return GoLiveFinding(
        True,
        _("Mail proven on %(when)s (to an address at %(domain)s).")
        % {"when": _when(proof.when), "domain": proof.domain},
    )


def backup_recent() -> GoLiveFinding:
    run = last_backup()
    if run is None:
        return GoLiveFinding(
            False,
            _("No backup has been made yet."),
            _("sudo systemctl enable --now balai-backup.timer, then sudo systemctl start balai-backup."),
        )
    if timezone.now() - run.finished_at > BACKUP_MAX_AGE:
        return GoLiveFinding(
            False,
            _("The newest backup is from %(when)s.") % {"when": _when(run.finished_at)},
            _("Is the nightly timer on? systemctl status balai-backup.timer; journalctl -u balai-backup."),
        )
    return GoLiveFinding(
        True,
        _("%(when)s: %(path)s (%(size).1f MB).")
        % {"when": _when(run.finished_at), "path": run.path, "size": run.bytes / 1_000_000},
    )


def backup_offsite() -> GoLiveFinding:
    run = last_backup()
    configured = run.offsite_configured if run is not None else bool(getattr(settings, "BACKUP_OFFSITE", ""))
    if not configured:
        return GoLiveFinding(
            False,
            _("Backups stay on this server's disk: a broken disk would take them too."),
            _("Set BACKUP_OFFSITE in %(file)s (docs/deploy.md, Backups).") % {"file": SETTINGS_FILE},
        )
    return GoLiveFinding(True, _("An off-site copy is configured."))


PLATFORM_CHECKS = (
    GoLiveCheck("pemda", gettext_lazy("The Pemda is set up"), pemda_ready),
    GoLiveCheck("demo", gettext_lazy("No demo data and no demo passwords"), demo_absent),
    GoLiveCheck("time-zone", gettext_lazy("The time zone is that of the Pemda's province"), time_zone_ready),
    GoLiveCheck("site-url", gettext_lazy("SITE_URL is the address people use"), site_url_ready),
    GoLiveCheck("csrf", gettext_lazy("Forms sent from that address are accepted"), forms_accepted),
    GoLiveCheck("static", gettext_lazy("The web server serves the styles and scripts"), static_files_served),
    GoLiveCheck("mail", gettext_lazy("Email is proven to leave the server"), mail_proven),
    GoLiveCheck("backup", gettext_lazy("A backup was made in the last 36 hours"), backup_recent),
    GoLiveCheck("backup-offsite", gettext_lazy("Backups are copied off this server"), backup_offsite),
)


def go_live_checks() -> list[GoLiveCheck]:
    """Every check, in the order the doctor prints them: the Pemda first, then the modules', then the server's."""
    first, rest = PLATFORM_CHECKS[:3], PLATFORM_CHECKS[3:]
    return [*first, *registry.go_live(), *rest]


def doctor_run() -> list[tuple[GoLiveCheck, GoLiveFinding]]:
    results = []
    for check in go_live_checks():
        try:
            # Inside a transaction someone else opened, each check gets a savepoint, so a failed query does not
            # poison the next check's (PostgreSQL). Outside one, each query commits by itself: a check must not
            # run in a transaction of its own, because SQLite would then read from the snapshot of its first
            # query, and the SITE_URL check reads what the site wrote after that (its visit of SITE_URL).
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                finding = check.run()
        except DatabaseError as exc:
            finding = GoLiveFinding(
                False,
                _("The database cannot answer: %(error)s.") % {"error": exc},
                _("sudo balai migrate (docs/deploy.md, section 6)."),
            )
        results.append((check, finding))
    return results
