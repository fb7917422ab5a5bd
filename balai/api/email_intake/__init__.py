"""Reports by email: each message to the reporting address becomes a report, or a reply on the report it names.

The one entry point for a message is `message_import`; the sources (IMAP, Maildir, mbox) only hand it raw
bytes. Every message taken ends in an `EmailMessageLog` row, so it is never imported twice, and a message that
cannot be read is saved whole under `email-gagal/` in the media storage: nothing sent to the Pemda is lost.

Where the email cannot say what the web form asks, these rules apply (see docs/api.md, "Email intake"):
- category: the one with slug `lainnya` ("other") if it is active, else the first active category; the
  coordinator reclassifies at verification anyway.
- kelurahan: a Kemendagri code of the Pemda written anywhere (71.72.02.1001), else a kelurahan name in the
  subject, else in the body (the longest name wins, so "Girian Bawah" beats "Girian"); else the Pemda's
  first kelurahan by code, with an internal note asking the coordinator to ask the reporter.
- consent: writing to the reporting address is consent to process the data the reporter sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import logging
import mailbox
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.api.models import EmailMessageLog, EmailStatus
from balai.core.models import Pemda
from balai.core.selectors import pemda_current
from balai.lapor import services
from balai.lapor.models import Channel, Report
from balai.lapor.services import ReportInput, report_submit
from balai.lib.env import env_bool, env_int, env_str

from .parsing import (
    ParsedMessage,
    UnreadableMessage,
    _best_effort_headers,
    _lenient,
    image_kind,
    message_key,
    parse_message,
    strip_quoted,
)
from .rules import DESCRIPTION_MAX, _description, _photos, _title, email_category, place_from_text, tracking_code_in

log = logging.getLogger(__name__)

FAILED_PREFIX = "email-gagal"


class IntakeConfigError(ImproperlyConfigured):
    """The mailbox cannot be reached as configured; the message says which setting to fix."""


class IntakeSourceError(Exception):
    """The mailbox itself failed (connection, login, folder): nothing was lost, try again later."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str
    use_ssl: bool


def intake_address() -> str:
    """The reporting address (INTAKE_ADDRESS), lower-case; empty means every message is taken."""
    return env_str("INTAKE_ADDRESS").strip().lower()


def imap_configured() -> bool:
    return bool(env_str("INTAKE_IMAP_HOST").strip())


def imap_settings() -> ImapSettings:
    """The IMAP mailbox from the environment, or IntakeConfigError naming what is missing."""
    host = env_str("INTAKE_IMAP_HOST").strip()
    if not host:
        raise IntakeConfigError(
            "INTAKE_IMAP_HOST is not set: set it (with INTAKE_IMAP_USER and INTAKE_IMAP_PASSWORD) to read the "
            "reporting mailbox over IMAP, or give --maildir PATH or --mbox PATH."
        )
    user = env_str("INTAKE_IMAP_USER").strip()
    password = env_str("INTAKE_IMAP_PASSWORD")
    if not user or not password:
        raise IntakeConfigError(
            "INTAKE_IMAP_USER and INTAKE_IMAP_PASSWORD (or INTAKE_IMAP_PASSWORD_FILE) are needed with INTAKE_IMAP_HOST."
        )
    port = env_int("INTAKE_IMAP_PORT", 993)
    if not 0 < port < 65536:
        raise IntakeConfigError(f"INTAKE_IMAP_PORT={port} is not a port number.")
    return ImapSettings(
        host=host,
        port=port,
        user=user,
        password=password,
        folder=env_str("INTAKE_IMAP_FOLDER", "INBOX").strip() or "INBOX",
        use_ssl=env_bool("INTAKE_IMAP_SSL", True),
    )


# --- the outcome ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What became of one message. `status` is an EmailStatus value, "duplicate" or "not_addressed"."""

    status: str
    message_id: str
    sender: str = ""
    report_code: str = ""
    error: str = ""
    kept_at: str = ""

    @property
    def handled(self) -> bool:
        """Safe to mark as read: recorded, or seen before; a message for another address is left alone."""
        return self.status != "not_addressed"


@dataclass
class FetchResult:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == EmailStatus.FAILED]

    def summary(self) -> dict[str, int]:
        names = [*EmailStatus.values, "duplicate", "not_addressed"]
        return {name: self.count(name) for name in names}


# --- taking a message in --------------------------------------------------------------------------


def _keep_aside(raw: bytes, key: str, error: str, *, sender: str, subject: str, source: str) -> Outcome:
    now = timezone.now()
    name = default_storage.save(
        f"{FAILED_PREFIX}/{now:%Y/%m}/{hashlib.sha256(key.encode()).hexdigest()[:20]}.eml", ContentFile(raw)
    )
    try:
        EmailMessageLog.objects.create(
            message_id=key,
            sender=sender[:254],
            subject=subject[:255],
            source=source,
            status=EmailStatus.FAILED,
            error=error,
            raw_file=name,
        )
    except IntegrityError:
        default_storage.delete(name)
        return Outcome("duplicate", key, sender)
    log.warning("email kept aside: %s (%s)", error, name)
    return Outcome(EmailStatus.FAILED, key, sender, error=error, kept_at=name)


def _reply(parsed: ParsedMessage, report: Report, *, source: str) -> Outcome:
    """The reporter's reply: their message on the timeline (internal), or the answer to the clarification."""
    text = strip_quoted(parsed.text) or _("(The email had no text.)")
    text = text if len(text) <= DESCRIPTION_MAX else text[:DESCRIPTION_MAX]
    # Photos are processed before the report is locked; whatever no longer fits once locked is left out.
    photos, skipped = _photos(parsed.attachments, max(settings.PHOTO_MAX_COUNT - report.photo_count, 0))
    written: list[str] = []
    try:
        with transaction.atomic():
            EmailMessageLog.objects.create(
                message_id=parsed.message_id,
                sender=parsed.sender_email,
                subject=parsed.subject[:255],
                source=source,
                status=EmailStatus.ATTACHED,
                report=report,
            )
            # The reporter's message (the answer, if they were asked a question), then the photos that still fit.
            locked = services.report_reporter_message(report=report, text=text, channel=Channel.EMAIL)
            try:
                locked, kept = services.report_add_photos(report=locked, photos=photos, written=written)
            except services.ActionError as exc:  # a closed or merged report takes no more photos
                kept, photos = 0, []
                skipped.append(exc.message)
            if photos[kept:]:
                skipped.append(
                    _("%(n)d photo(s): the report has its %(max)d photos already.")
                    % {"n": len(photos[kept:]), "max": settings.PHOTO_MAX_COUNT}
                )
            if skipped:
                services.report_add_system_note(
                    report=locked, text=_("Attachments of the reporter's email not kept:") + "\n" + "\n".join(skipped)
                )
    except BaseException as exc:
        for name in written:
            default_storage.delete(name)
        if isinstance(exc, IntegrityError) and EmailMessageLog.objects.filter(message_id=parsed.message_id).exists():
            return Outcome("duplicate", parsed.message_id, parsed.sender_email)
        raise
    return Outcome(EmailStatus.ATTACHED, parsed.message_id, parsed.sender_email, report_code=report.code)


def _new_report(parsed: ParsedMessage, pemda: Pemda, *, source: str, notes: list[str]) -> Outcome:
    place = place_from_text(pemda=pemda, subject=parsed.subject, body=parsed.text)
    photos, skipped = _photos(parsed.attachments, settings.PHOTO_MAX_COUNT)
    data = ReportInput(
        category=email_category(),
        title=_title(parsed.subject),
        description=_description(parsed.text),
        kelurahan=place.kelurahan,
        reporter_name=parsed.sender_name,
        reporter_email=parsed.sender_email,
        # Writing to the reporting address is the reporter's consent to process what they sent.
        consent=True,
    )
    try:
        with transaction.atomic():
            # The log row first: a second fetcher taking the same message waits here, then fails cleanly.
            entry = EmailMessageLog.objects.create(
                message_id=parsed.message_id,
                sender=parsed.sender_email,
                subject=parsed.subject[:255],
                source=source,
                status=EmailStatus.IMPORTED,
            )
            report = report_submit(data=data, photos=photos, channel=Channel.EMAIL, pemda=pemda)
            entry.report = report
            entry.save(update_fields=["report", "updated_at"])
            lines = [*notes]
            if place.note:
                lines.append(place.note)
            if skipped:
                lines.append(_("Attachments not kept:") + "\n" + "\n".join(skipped))
            if lines:
                services.report_add_system_note(report=report, text="\n\n".join(lines))
    except IntegrityError:
        if EmailMessageLog.objects.filter(message_id=parsed.message_id).exists():
            return Outcome("duplicate", parsed.message_id, parsed.sender_email)
        raise
    return Outcome(EmailStatus.IMPORTED, parsed.message_id, parsed.sender_email, report_code=report.code)


def message_import(*, raw: bytes, source: str = "", address: str | None = None, pemda: Pemda | None = None) -> Outcome:
    """Take one raw email: a new report, a reply on its report, ignored, or kept aside; never twice.

    `address` is the reporting address (default INTAKE_ADDRESS; empty takes every message).
    Raises only when Balai itself cannot work (no Pemda, the database down); then nothing was recorded.
    """
    pemda = pemda or pemda_current()
    if pemda is None:
        raise RuntimeError("the Pemda profile is not configured")
    wanted = intake_address() if address is None else address.strip().lower()
    try:
        parsed = parse_message(raw)
    except UnreadableMessage as exc:
        key = message_key(_lenient(raw), raw)
        if EmailMessageLog.objects.filter(message_id=key).exists():
            return Outcome("duplicate", key)
        sender, subject = _best_effort_headers(raw)
        return _keep_aside(raw, key, str(exc), sender=sender, subject=subject, source=source)
    if wanted and wanted not in parsed.recipients:
        return Outcome("not_addressed", parsed.message_id, parsed.sender_email)
    if EmailMessageLog.objects.filter(message_id=parsed.message_id).exists():
        return Outcome("duplicate", parsed.message_id, parsed.sender_email)
    if parsed.automatic:
        try:
            EmailMessageLog.objects.create(
                message_id=parsed.message_id,
                sender=parsed.sender_email,
                subject=parsed.subject[:255],
                source=source,
                status=EmailStatus.IGNORED,
                error="automatic message (bounce or auto-reply)",
            )
        except IntegrityError:
            return Outcome("duplicate", parsed.message_id, parsed.sender_email)
        return Outcome(EmailStatus.IGNORED, parsed.message_id, parsed.sender_email)
    if not parsed.text and not parsed.subject and not any(image_kind(a.content) for a in parsed.attachments):
        return _keep_aside(
            raw,
            parsed.message_id,
            "empty message: no subject, no text, no photo",
            sender=parsed.sender_email,
            subject="",
            source=source,
        )
    notes: list[str] = []
    code = tracking_code_in(parsed.subject, pemda.code_prefix)
    if code is not None:
        report = Report.objects.filter(code=code).first()
        if report is None:
            notes.append(_("The subject names %(code)s, which is not a report here.") % {"code": code})
        elif report.reporter_email.lower() == parsed.sender_email:
            return _reply(parsed, report, source=source)
        else:
            # Anyone can copy a code into a subject: only the reporter's own address speaks on their report.
            notes.append(
                _("The subject names report %(code)s, but the sender is not its reporter: taken as a new report.")
                % {"code": code}
            )
    return _new_report(parsed, pemda, source=source, notes=notes)


def _take(raw: bytes, *, source: str, address: str | None, pemda: Pemda | None) -> Outcome:
    """One message of a batch; an unexpected error in this message keeps it aside instead of stopping the batch."""
    try:
        return message_import(raw=raw, source=source, address=address, pemda=pemda)
    except (RuntimeError, ImproperlyConfigured):
        raise
    except Exception as exc:
        log.exception("email could not be imported")
        key = message_key(_lenient(raw), raw)
        sender, subject = _best_effort_headers(raw)
        # If the database is down this raises too, and the batch stops with the message still unread.
        return _keep_aside(
            raw, key, f"import failed: {type(exc).__name__}: {exc}", sender=sender, subject=subject, source=source
        )


# --- the sources -----------------------------------------------------------------------------------


def _local_messages(path: Path, kind: str) -> Iterator[bytes]:
    try:
        box: mailbox.Mailbox[Any]
        if kind == "maildir":
            box = mailbox.Maildir(path, factory=None, create=False)
        else:
            if not path.is_file():
                raise IntakeSourceError(f"{path}: no such mbox file")
            box = mailbox.mbox(path, factory=None, create=False)
        keys = list(box.iterkeys())
    except (OSError, mailbox.Error) as exc:
        raise IntakeSourceError(f"cannot read the {kind} {path}: {exc}") from exc
    for key in keys:
        try:
            raw = box.get_bytes(key)
        except (OSError, mailbox.Error) as exc:
            raise IntakeSourceError(f"cannot read message {key} of {path}: {exc}") from exc
        yield raw


def fetch_local(*, path: Path, kind: str, address: str | None = None) -> FetchResult:
    """Every message of a Maildir or mbox; read-only: the Message-ID log is what keeps them from coming twice."""
    if kind not in {"maildir", "mbox"}:
        raise ValueError(f"unknown mailbox kind {kind!r}")
    result = FetchResult()
    pemda = pemda_current()
    for raw in _local_messages(path, kind):
        result.outcomes.append(_take(raw, source=kind, address=address, pemda=pemda))
    return result


def _imap_connect(config: ImapSettings) -> imaplib.IMAP4:
    if config.use_ssl:
        return imaplib.IMAP4_SSL(config.host, config.port, ssl_context=ssl.create_default_context(), timeout=60)
    connection = imaplib.IMAP4(config.host, config.port, timeout=60)
    # Without SSL, still never send the password in the clear if the server can switch to TLS.
    if "STARTTLS" in connection.capabilities:
        connection.starttls(ssl_context=ssl.create_default_context())
    return connection


def fetch_imap(*, config: ImapSettings | None = None, address: str | None = None) -> FetchResult:
    """The UNSEEN messages of the IMAP folder; each is marked \\Seen once it is recorded (never before)."""
    config = config or imap_settings()
    result = FetchResult()
    pemda = pemda_current()
    try:
        connection = _imap_connect(config)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise IntakeSourceError(f"cannot connect to {config.host}:{config.port}: {exc}") from exc
    try:
        try:
            connection.login(config.user, config.password)
            status, _data = connection.select(_imap_quote(config.folder))
            if status != "OK":
                raise IntakeSourceError(f"cannot open the folder {config.folder!r}")
            status, found = connection.uid("SEARCH", "UNSEEN")
            if status != "OK":
                raise IntakeSourceError("the server refused the search for unseen messages")
            uids = found[0].split() if found and isinstance(found[0], bytes) else []
            for uid in uids:
                status, fetched = connection.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
                raw = next((item[1] for item in fetched if isinstance(item, tuple)), None) if status == "OK" else None
                if not isinstance(raw, bytes):
                    raise IntakeSourceError(f"cannot fetch message {uid.decode()}")
                outcome = _take(raw, source="imap", address=address, pemda=pemda)
                result.outcomes.append(outcome)
                if outcome.handled:
                    connection.uid("STORE", uid.decode(), "+FLAGS", "(\\Seen)")
        except (OSError, imaplib.IMAP4.error) as exc:
            raise IntakeSourceError(f"IMAP error on {config.host}: {exc}") from exc
    finally:
        with contextlib.suppress(Exception):
            connection.logout()
    return result


def _imap_quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
