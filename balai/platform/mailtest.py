"""`balai mail test ADDRESS`: one real email through the configured backend, its failure in plain words, and the
proof of a success that `balai doctor` reads.

The proof is an audit event (`mail.test_passed`) that keeps the recipient's domain only, never the address, and a
fingerprint of the mail settings without the password: a proof counts only while the settings it was made with
are still the ones in use (a new host, port, user, TLS switch, backend or sender asks for a new test; a new
password alone does not, since it is never read).
"""

from __future__ import annotations

import hashlib
import json
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balai.core.models import AuditEvent
from balai.core.selectors import pemda_current

MAIL_TEST_PASSED = "mail.test_passed"
MAIL_TIMEOUT_SECONDS = 20
# Backends that never hand a message to anyone: a "success" through them proves nothing.
SILENT_BACKENDS = frozenset(
    {"django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend"}
)


@dataclass(frozen=True)
class MailTestResult:
    ok: bool
    message: str  # what happened, in the reader's language
    hint: str = ""  # what to look at when it failed


@dataclass(frozen=True)
class MailProof:
    when: datetime
    domain: str
    current: bool  # made with the mail settings in use now


def mail_settings_fingerprint() -> str:
    """A hash of what decides where and how mail goes, without the password."""
    values = {
        "backend": settings.EMAIL_BACKEND,
        "host": settings.EMAIL_HOST,
        "port": settings.EMAIL_PORT,
        "user": settings.EMAIL_HOST_USER,
        "tls": bool(settings.EMAIL_USE_TLS),
        "ssl": bool(getattr(settings, "EMAIL_USE_SSL", False)),
        "from": settings.DEFAULT_FROM_EMAIL,
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


def mail_test_send(*, address: str, now: datetime | None = None) -> MailTestResult:
    """Send one test email to `address` now; on success record the proof (the domain only)."""
    now = now or timezone.now()
    address = address.strip()
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        return MailTestResult(False, _("%(address)s is not an email address.") % {"address": address})
    if settings.EMAIL_BACKEND in SILENT_BACKENDS:
        return MailTestResult(
            False,
            _("EMAIL_BACKEND is %(backend)s: no email leaves this machine.") % {"backend": settings.EMAIL_BACKEND},
            _(
                "Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, EMAIL_PORT and "
                "EMAIL_USE_TLS in /etc/balai/balai.env (docs/configuration.md)."
            ),
        )
    subject, body = _test_message(now)
    message = EmailMessage(subject=subject, body=body, to=[address])
    try:
        connection = get_connection(fail_silently=False, timeout=MAIL_TIMEOUT_SECONDS)
        sent = connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as exc:  # OSError covers refused, unreachable, timeouts and TLS
        what, hint = mail_error_in_words(exc)
        return MailTestResult(False, what, hint)
    if not sent:
        return MailTestResult(False, _("The mail backend accepted nothing and gave no reason."))
    domain = address.rsplit("@", 1)[1].lower()
    AuditEvent.objects.create(
        actor=None,
        actor_label="balai mail test",
        action=MAIL_TEST_PASSED,
        object_type="mail",
        object_id=mail_settings_fingerprint(),
        changes={"domain": domain, "host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT},
    )
    return MailTestResult(
        True,
        _("Sent to %(address)s through %(host)s:%(port)s. Check that it arrived (and not in spam).")
        % {"address": address, "host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT},
    )


def mail_proof_last() -> MailProof | None:
    """The newest successful `balai mail test`, and whether it was made with the settings in use now."""
    event = AuditEvent.objects.filter(action=MAIL_TEST_PASSED).order_by("-created_at", "-id").first()
    if event is None:
        return None
    return MailProof(
        when=event.created_at,
        domain=str(event.changes.get("domain", "")),
        current=event.object_id == mail_settings_fingerprint(),
    )


def _test_message(now: datetime) -> tuple[str, str]:
    """Subject and body in the Pemda's language, naming the site and the time in the Pemda's zone."""
    pemda = pemda_current()
    site = pemda.name if pemda is not None else settings.SITE_URL
    zone = ZoneInfo(pemda.time_zone if pemda is not None else settings.TIME_ZONE)
    when = now.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Test email from %(site)s") % {"site": site}
        body = _(
            "This is a test email from %(site)s (%(url)s), sent by `balai mail test` at %(time)s.\n\n"
            "It reached you, so Balai can send email: reporters will receive their confirmations and staff "
            "their notices. Nothing needs to be done with this message."
        ) % {"site": site, "url": settings.SITE_URL, "time": when}
    return subject, body


def mail_error_in_words(exc: BaseException) -> tuple[str, str]:
    """What went wrong and where to look, for a person setting up the server."""
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    settings_file = "/etc/balai/balai.env"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            _("The mail server %(server)s refused the user name or password (%(reason)s).")
            % {"server": server, "reason": _smtp_reason(exc)},
            _("Check EMAIL_HOST_USER in %(file)s and the password in /etc/balai/email_password.")
            % {"file": settings_file},
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (
            _("The mail server %(server)s does not offer STARTTLS.") % {"server": server},
            _(
                "Use the port that offers STARTTLS (usually 587) or, on port 465, EMAIL_USE_SSL=true instead of "
                "EMAIL_USE_TLS."
            ),
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return (
            _("The mail server %(server)s refused the recipient address.") % {"server": server},
            _("Check the address; some servers only relay for their own domain until you sign in (EMAIL_HOST_USER)."),
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            _("The mail server %(server)s refused the sender %(sender)s (%(reason)s).")
            % {"server": server, "sender": settings.DEFAULT_FROM_EMAIL, "reason": _smtp_reason(exc)},
            _("Set DEFAULT_FROM_EMAIL in %(file)s to an address this server may send from.") % {"file": settings_file},
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            _("The certificate of the mail server %(server)s is not trusted (%(reason)s).")
            % {"server": server, "reason": exc.verify_message or exc.reason or str(exc)},
            _(
                "If it comes from the Pemda's own certificate authority, save that authority's certificate (PEM) "
                "as /etc/balai/ca.pem and add SSL_CERT_FILE=/etc/balai/ca.pem to %(file)s; also check that "
                "EMAIL_HOST is the name written in the certificate."
            )
            % {"file": settings_file},
        )
    if isinstance(exc, ssl.SSLError):
        return (
            _("The TLS handshake with %(server)s failed (%(reason)s).") % {"server": server, "reason": exc.reason},
            _(
                "Port 587 usually wants EMAIL_USE_TLS=true (STARTTLS), port 465 wants EMAIL_USE_SSL=true, port 25 "
                "often neither: match the settings to the port."
            ),
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return (
            _("The mail server %(server)s closed the connection.") % {"server": server},
            _("This often means TLS settings that do not match the port (EMAIL_USE_TLS, EMAIL_USE_SSL)."),
        )
    if isinstance(exc, socket.gaierror):
        return (
            _("The mail server's name %(host)s is not known here.") % {"host": settings.EMAIL_HOST},
            _("Check EMAIL_HOST in %(file)s and this machine's DNS.") % {"file": settings_file},
        )
    if isinstance(exc, ConnectionRefusedError):
        return (
            _("Nothing answers at %(server)s (connection refused).") % {"server": server},
            _("Check EMAIL_HOST and EMAIL_PORT in %(file)s, and that the mail server is running.")
            % {"file": settings_file},
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return (
            _("The mail server %(server)s did not answer within %(seconds)d seconds.")
            % {"server": server, "seconds": MAIL_TIMEOUT_SECONDS},
            _(
                "A firewall may drop the connection: many networks block port 25 outwards. Check EMAIL_PORT "
                "and ask the network team to open it."
            ),
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return (
            _("The mail server %(server)s answered %(code)s: %(reason)s.")
            % {"server": server, "code": exc.smtp_code, "reason": _smtp_reason(exc)},
            _("Look up that answer in the mail server's log."),
        )
    return (
        _("Sending through %(server)s failed: %(error)s.")
        % {"server": server, "error": str(exc) or type(exc).__name__},
        _("Check EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS and EMAIL_HOST_USER in %(file)s.") % {"file": settings_file},
    )


def _smtp_reason(exc: smtplib.SMTPException) -> str:
    error = getattr(exc, "smtp_error", b"")
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return text.strip() or str(exc)
