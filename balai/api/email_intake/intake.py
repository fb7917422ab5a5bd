"""Taking one message in: a new report, a reply on its report, ignored, or kept aside; never twice."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

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
from balai.desa import services as desa_services
from balai.lapor import replies, services
from balai.lapor.models import Channel, Report
from balai.lapor.services import ReportInput, report_submit
from balai.lib.text import clean_text
from balai.ppid import services as ppid_services

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

# The package's logger, as before the split into modules.
log = logging.getLogger("balai.api.email_intake")

FAILED_PREFIX = "email-gagal"


def intake_address() -> str:
    """The reporting address (INTAKE_ADDRESS), lower-case; empty means every message is taken."""
    return replies.intake_address()


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


def _keep_aside(raw: bytes, key: str, error: str, *, sender: str, subject: str, source: str) -> Outcome:
    now = timezone.now()
    name = default_storage.save(
        f"{FAILED_PREFIX}/{now:%Y/%m}/{hashlib.sha256(key.encode()).hexdigest()[:20]}.eml", ContentFile(raw)
    )
    try:
        EmailMessageLog.objects.create(
            message_id=key,
            sender=sender[:254],
            subject=clean_text(subject)[:255],
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
                subject=clean_text(parsed.subject)[:255],
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
                subject=clean_text(parsed.subject)[:255],
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


def _village_report(parsed: ParsedMessage, raw: bytes) -> Outcome:
    """A mail to the village-report address: balai.desa takes it in, answers what is missing, or holds it."""
    entry = desa_services.mail_take(
        desa_services.MailIn(
            message_id=parsed.message_id,
            sender=parsed.sender_email,
            subject=parsed.subject,
            text=parsed.text,
            recipients=parsed.recipients,
            attachments=[(a.filename, a.content_type, a.content) for a in parsed.attachments],
            raw=raw,
            references=parsed.references,
        )
    )
    return Outcome(f"desa:{entry.outcome}", parsed.message_id, parsed.sender_email)


def _new_information_request(parsed: ParsedMessage, *, source: str) -> Outcome:
    """An email to the PPID address: one information request through the PPID's own service, never twice."""
    try:
        with transaction.atomic():
            EmailMessageLog.objects.create(
                message_id=parsed.message_id, sender=parsed.sender_email, subject=clean_text(parsed.subject)[:255],
                source=source, status=EmailStatus.IMPORTED,
            )  # fmt: skip
            request = ppid_services.request_submit_from_email(
                sender_name=parsed.sender_name, sender_email=parsed.sender_email, subject=clean_text(parsed.subject),
                text=parsed.text,
            )  # fmt: skip
    except IntegrityError:
        if EmailMessageLog.objects.filter(message_id=parsed.message_id).exists():
            return Outcome("duplicate", parsed.message_id, parsed.sender_email)
        raise
    return Outcome(EmailStatus.IMPORTED, parsed.message_id, parsed.sender_email, report_code=request.code)


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
    # Village reports to the mayor go to their own address (desa@ or desa+<unit>.<key>@…): balai.desa takes them.
    if desa_services.addressed_to_desa(parsed.recipients) and not parsed.automatic:
        return _village_report(parsed, raw)
    # Mail to the PPID address (ppid@ the reporting address's domain) becomes an information request.
    ppid_address = ppid_services.email_intake_address(wanted or intake_address())
    for_ppid = bool(ppid_address) and ppid_address in {replies.without_tag(r) for r in parsed.recipients}
    # A reply goes to a plus-address of the reporting address (lapor+<code>.<key>@…): it is addressed to it too.
    if wanted and not for_ppid and wanted not in {replies.without_tag(r) for r in parsed.recipients}:
        return Outcome("not_addressed", parsed.message_id, parsed.sender_email)
    if EmailMessageLog.objects.filter(message_id=parsed.message_id).exists():
        return Outcome("duplicate", parsed.message_id, parsed.sender_email)
    if parsed.automatic:
        try:
            EmailMessageLog.objects.create(
                message_id=parsed.message_id,
                sender=parsed.sender_email,
                subject=clean_text(parsed.subject)[:255],
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
    if for_ppid:
        return _new_information_request(parsed, source=source)
    keyed = replies.replied_code([*parsed.recipients, *parsed.references])
    if keyed is not None:
        report = Report.objects.filter(code=keyed).first()
        # The key proves the mail answers Balai's email to the reporter; the address must be theirs too.
        if report is not None and report.reporter_email.lower() == parsed.sender_email:
            return _reply(parsed, report, source=source)
    return _new_report(parsed, pemda, source=source, notes=_why_not_a_reply(parsed, pemda, keyed))


def _why_not_a_reply(parsed: ParsedMessage, pemda: Pemda, keyed: str | None) -> list[str]:
    """The internal note of a new report that names, or answers, another report, for the coordinator to judge."""
    if keyed is not None:
        return [
            _(
                "This email answers Balai's email about report %(code)s, but it was sent from another address than "
                "its reporter's: taken as a new report. Merge it if it belongs to that report."
            )
            % {"code": keyed}
        ]
    code = tracking_code_in(parsed.subject, pemda.code_prefix)
    if code is None:
        return []
    report = Report.objects.filter(code=code).first()
    if report is None:
        return [_("The subject names %(code)s, which is not a report here.") % {"code": code}]
    if report.reporter_email.lower() == parsed.sender_email:
        # Anyone can write a code into the subject and a reporter's address into From: only a reply that
        # carries the key of Balai's own email to the reporter speaks on their report.
        return [
            _(
                "The subject names report %(code)s and the sender uses its reporter's address, but the email does "
                "not answer one of Balai's emails about it (no reply key): taken as a new report. Merge it if it "
                "belongs to that report."
            )
            % {"code": code}
        ]
    return [
        _("The subject names report %(code)s, but the sender is not its reporter: taken as a new report.")
        % {"code": code}
    ]


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
