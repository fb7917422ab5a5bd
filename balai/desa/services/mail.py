"""Village reports by email: each mail to the village-report address is taken in, answered with what is missing,
or held for a person; never twice, never accepted silently.

The proof rule is the reporting module's (balai/lapor/replies.py): the mail must be addressed to the unit's keyed
address (`desa+<unit slug>.<key>@…`, the Reply-To of every mail Balai sends the unit) and come from the unit's
registered sender address. Its subject names the report type's code and the period (`laporan-bulanan 2026-11`);
the fields come from `field: value` lines of the body or from the filled spreadsheet template (XLSX).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from balai.core.models import OutgoingMail, Unit
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.services import audit_record
from balai.lib.spreadsheets import SpreadsheetTooLargeError, xlsx_check_size

from .. import rules
from ..models import FieldKind, IncomingMail, MailOutcome, Period, ReportType, Submission
from ._common import DesaError, UploadedFile, file_check, file_kind, unit_key_valid, unit_reply_address, values_clean
from .reports import mail_to_role, submission_save

PERIOD_PATTERNS = {
    Period.MONTHLY: r"\b(\d{4}-\d{2})\b(?!-\d)",
    Period.QUARTERLY: r"\b(\d{4}-[tTqQ][1-4])\b",
    Period.YEARLY: r"(?<![-\d])(\d{4})(?![-\d])",
    Period.INCIDENT: r"\b(\d{4}-\d{2}-\d{2})\b",
}


@dataclass(frozen=True)
class MailIn:
    """A parsed email, as the intake (balai.api.email_intake) hands it over."""

    message_id: str
    sender: str
    subject: str
    text: str
    recipients: frozenset[str]
    attachments: Sequence[tuple[str, str, bytes]] = ()  # (file name, content type, content)
    raw: bytes = b""
    references: tuple[str, ...] = field(default_factory=tuple)


def _tag_pattern() -> re.Pattern[str]:
    local = re.escape(settings.DESA_MAIL_LOCAL_PART.lower())
    return re.compile(rf"^{local}\+([a-z0-9-]+)\.([0-9a-f]{{24}})@")


def addressed_to_desa(recipients: frozenset[str]) -> bool:
    """Is one of the recipients the village-report address (with or without a tag)?"""
    local = settings.DESA_MAIL_LOCAL_PART.lower()
    from ._common import desa_address

    domain = desa_address().partition("@")[2]
    if not domain:
        return False
    return any(r.lower().split("@")[0].split("+")[0] == local and r.lower().endswith("@" + domain) for r in recipients)


def _record(mail: MailIn, outcome: str, reason: str, unit: Unit | None, submission: Submission | None) -> IncomingMail:
    entry = IncomingMail(
        message_id=mail.message_id[:300],
        sender=mail.sender[:254],
        subject=mail.subject[:255],
        outcome=outcome,
        reason=reason[:500],
        unit=unit,
        submission=submission,
    )
    if outcome == MailOutcome.HELD and mail.raw:
        entry.raw.save("mail.eml", ContentFile(mail.raw), save=False)
    entry.save()
    audit_record(
        actor=None, actor_label="email", action=f"desa.mail.{outcome}", obj=entry, changes={"reason": reason[:200]}
    )
    return entry


def _hold(mail: MailIn, reason: str, unit: Unit | None) -> IncomingMail:
    with transaction.atomic():
        entry = _record(mail, MailOutcome.HELD, reason, unit, None)
        with translation.override("id"):
            mails = mail_to_role(
                None,
                rules.Role.PEMERINTAHAN,
                "held",
                _("[Balai] A village-report email is held"),
                _("An email from %(sender)s (%(subject)s) is held: %(reason)s\nDecide in Balai: held emails.\n")
                % {"sender": mail.sender, "subject": mail.subject, "reason": reason},
            )
    mail_deliver_all(mails)
    return entry


def _answer(mail: MailIn, unit: Unit, problems: list[str], submission: Submission | None) -> IncomingMail:
    """Tell the (registered) sender what is missing; what could be read is kept as a draft."""
    with transaction.atomic():
        entry = _record(mail, MailOutcome.ANSWERED, "; ".join(problems), unit, submission)
        with translation.override("id"):
            body = (
                _("Balai could not take your report yet:")
                + "\n\n"
                + "\n".join(f"- {p}" for p in problems)
                + "\n\n"
                + _(
                    "Reply to this email with what is missing ('field: value' lines), or finish it on the web. "
                    "Report codes: %(codes)s. Write the period as 2026-11 (month), 2026-T4 (quarter) or 2026 (year)."
                )
                % {"codes": ", ".join(ReportType.objects.filter(is_active=True).values_list("slug", flat=True))}
            )
            out: list[OutgoingMail] = [
                mail_queue(
                    kind="desa.missing",
                    to=mail.sender,
                    subject=_("[Balai] Something is missing: %(subject)s") % {"subject": mail.subject[:200]},
                    body=body,
                    language="id",
                    reply_to=unit_reply_address(unit.slug),
                )
            ]
    mail_deliver_all(out)
    return entry


def _report_type(subject: str) -> ReportType | None:
    words = subject.lower()
    for report_type in sorted(ReportType.objects.filter(is_active=True), key=lambda t: -len(t.slug)):
        if re.search(rf"(?<![a-z0-9-]){re.escape(report_type.slug)}(?![a-z0-9-])", words):
            return report_type
    return None


def _quoted_free(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.lstrip().startswith(">")]


def fields_from_text(report_type: ReportType, text: str) -> dict[str, str]:
    """`field: value` lines (the field's code or its label, in any case) of the mail's own text."""
    names: dict[str, str] = {}
    for f in report_type.fields.all():
        names[f.key.lower()] = f.key
        names[f.label.lower()] = f.key
    found: dict[str, str] = {}
    for line in _quoted_free(text):
        name, colon, value = line.partition(":")
        key = names.get(name.strip().lower().lstrip("-* "))
        if colon and key is not None and value.strip():
            found[key] = value.strip()
    return found


# The template holds a row per field: a report type has tens of them, never thousands.
TEMPLATE_MAX_ROWS = 500
TEMPLATE_MAX_UNPACKED_BYTES = 5 * 1024 * 1024


def fields_from_xlsx(report_type: ReportType, content: bytes) -> dict[str, Any]:
    """The filled template: a field's code in column A, its value in column C (B holds the label)."""
    from openpyxl import load_workbook

    xlsx_check_size(content, limit=TEMPLATE_MAX_UNPACKED_BYTES)  # SpreadsheetTooLargeError: not the template
    keys = {f.key.lower(): f.key for f in report_type.fields.all()}
    found: dict[str, Any] = {}
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(min_row=1, max_row=TEMPLATE_MAX_ROWS, max_col=3, values_only=True)
        for row in rows:
            code = str(row[0] or "").strip().lower()
            if code in keys and len(row) > 2 and row[2] not in (None, ""):
                found[keys[code]] = row[2]
    finally:
        workbook.close()
    return found


def mail_take(mail: MailIn) -> IncomingMail:
    """Take one email to the village-report address (see the module's docstring)."""
    known = IncomingMail.objects.filter(message_id=mail.message_id[:300]).first()
    if known is not None:
        return known
    sender = mail.sender.lower()
    pattern = _tag_pattern()
    tags = [m.groups() for r in mail.recipients if (m := pattern.match(r.lower()))]
    unit = None
    if tags:
        slug, key = tags[0]
        unit = Unit.objects.filter(slug=slug).select_related("desa_mailbox").first()
        if unit is None or not unit_key_valid(slug, key):
            return _hold(mail, _("The address carries a key Balai did not make."), None)
    else:
        # Without the key, the registered sender alone proves nothing (anyone can write a From line).
        guess = Unit.objects.filter(desa_mailbox__sender_email__iexact=sender).first()
        return _hold(mail, _("Sent to the plain address, without the unit's reply key."), guess)
    mailbox = getattr(unit, "desa_mailbox", None)
    if mailbox is None or mailbox.sender_email.lower() != sender:
        return _hold(mail, _("The sender is not the address registered for %(unit)s.") % {"unit": unit.name}, unit)
    report_type = _report_type(mail.subject)
    if report_type is None:
        return _answer(mail, unit, [_("The subject does not name a report code.")], None)
    match = re.search(PERIOD_PATTERNS[Period(report_type.period)], mail.subject)
    if match is None:
        return _answer(mail, unit, [_("The subject does not name the period.")], None)
    given: dict[str, Any] = {}
    files: list[UploadedFile] = []
    problems: list[str] = []
    attachment_keys = [f.key for f in report_type.fields.all() if f.kind == FieldKind.ATTACHMENT]
    for name, _type, content in mail.attachments:
        if file_kind(content) == "xlsx":
            try:
                given.update(fields_from_xlsx(report_type, content))
                continue
            except SpreadsheetTooLargeError as exc:
                problems.append(
                    _("The spreadsheet %(name)s unpacks to more than %(mb)d MB: it is not the report's template.")
                    % {"name": name, "mb": exc.limit_mb}
                )
                continue
            except Exception:
                problems.append(_("The spreadsheet %(name)s could not be read.") % {"name": name})
                continue
        upload = UploadedFile(name=name or "lampiran", content=content)
        try:
            file_check(upload)
        except DesaError as exc:
            problems.append(exc.message)
            continue
        key = next((k for k in attachment_keys if (name or "").lower().startswith(k)), "")
        if not key and len(attachment_keys) == 1:
            key = attachment_keys[0]
        files.append(UploadedFile(name=upload.name, content=content, field_key=key))
    given.update(fields_from_text(report_type, mail.text))
    values, errors = values_clean(report_type, given)
    labels = {f.key: f.label for f in report_type.fields.all()}
    problems += [f"{labels[k]}: {message}" for k, message in errors.items()]
    actors = {rules.Actor.SENDER} if unit.pk else set()
    common = {
        "actor": None,
        "actors": actors,
        "unit": unit,
        "report_type": report_type,
        "period_key": match[1],
        "values": values,
        "files": files,
        "channel": "email",
    }
    if not problems:
        try:
            with transaction.atomic():
                submission = submission_save(send=True, **common)  # type: ignore[arg-type]
                entry = _record(mail, MailOutcome.TAKEN, "", unit, submission)
            return entry
        except DesaError as exc:
            problems = [_("Missing: %(field)s.") % {"field": p} for p in exc.problems] or [exc.message]
        except IntegrityError:
            known = IncomingMail.objects.filter(message_id=mail.message_id[:300]).first()
            if known is not None:
                return known
            raise
    draft = None
    try:
        draft = submission_save(send=False, **common)  # type: ignore[arg-type]
    except DesaError as exc:
        if exc.message not in problems:
            problems.append(exc.message)
    return _answer(mail, unit, problems, draft)


def mail_discard(*, actor: Any, entry: IncomingMail, version: int | None = None) -> IncomingMail:
    """A person looked at a held email and drops it (the row and the audit trail stay)."""
    with transaction.atomic():
        locked = IncomingMail.objects.select_for_update().get(pk=entry.pk)
        if locked.outcome != MailOutcome.HELD:
            raise DesaError(_("Only a held email can be discarded."))
        if version is not None and locked.version != version:
            raise DesaError(_("Someone changed this in the meantime."))
        locked.outcome = MailOutcome.DISCARDED
        locked.version += 1
        locked.save(update_fields=["outcome", "version", "updated_at"])
        audit_record(actor=actor, action="desa.mail.discard", obj=locked)
    return locked
