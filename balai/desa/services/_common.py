"""What every service of the module shares: the error, the version check, values, files and the unit's mail."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from balai.lib.env import env_str

from ..models import FieldKind, ReportType

KEY_SALT = "balai.desa.reply-key"
KEY_LENGTH = 24
FILE_MAX_BYTES = 10 * 1024 * 1024
TEXT_MAX = 4000


class DesaError(Exception):
    """An action that cannot be done now; `message` says why, in the person's language."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def version_check(current: int, given: int | None) -> None:
    if given is not None and current != given:
        raise DesaError(_("Someone changed this in the meantime. Your text is kept below: look and send it again."))


# --- the unit's reply key and the village-report address ----------------------------------------------------


def unit_reply_key(slug: str, secret: str | None = None) -> str:
    """An HMAC of the unit's slug under SECRET_KEY with a purpose of its own: it proves a mail answers Balai's."""
    return salted_hmac(KEY_SALT, slug.lower(), secret=secret, algorithm="sha256").hexdigest()[:KEY_LENGTH]


def unit_key_valid(slug: str, key: str) -> bool:
    secrets: list[str | None] = [None, *settings.SECRET_KEY_FALLBACKS]
    return any(constant_time_compare(key.lower(), unit_reply_key(slug, s)) for s in secrets)


def desa_address() -> str:
    """The village-report address: DESA_MAIL_LOCAL_PART at the domain of INTAKE_ADDRESS ('' without intake)."""
    intake = env_str("INTAKE_ADDRESS").strip().lower()
    domain = intake.partition("@")[2]
    return f"{settings.DESA_MAIL_LOCAL_PART}@{domain}" if domain else ""


def unit_reply_address(slug: str) -> str:
    """`desa+<slug>.<key>@…`: the Reply-To of every mail Balai sends a unit about its reports."""
    local, at, domain = desa_address().partition("@")
    return f"{local}+{slug.lower()}.{unit_reply_key(slug)}@{domain}" if at else ""


# --- typed values ----------------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _number(text: str) -> int:
    plain = text.replace(".", "").replace(",", "").replace(" ", "")
    if not plain.isdigit():
        raise ValueError
    return int(plain)


def _date(text: str) -> str:
    if m := _DMY.match(text):
        return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    return dt.date.fromisoformat(text).isoformat()


def values_clean(report_type: ReportType, given: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The report type's fields read from text (a form, an email body, a spreadsheet): (values, errors by key).

    A field left out or blank is simply not in the values; `required_missing` decides whether that may be sent."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in report_type.fields.all():
        if field.kind == FieldKind.ATTACHMENT or field.key not in given:
            continue
        raw = given[field.key]
        text = (raw.isoformat() if isinstance(raw, dt.date) else str(raw if raw is not None else "")).strip()
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        if not text:
            continue
        try:
            if field.kind == FieldKind.NUMBER:
                values[field.key] = _number(text)
            elif field.kind == FieldKind.DATE:
                values[field.key] = _date(text[:10])
            elif field.kind == FieldKind.CHOICE:
                match = next((c for c in field.choice_list if c.lower() == text.lower()), None)
                if match is None:
                    errors[field.key] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(field.choice_list)}
                    continue
                values[field.key] = match
            else:
                values[field.key] = text[:TEXT_MAX]
        except ValueError:
            errors[field.key] = (
                _("Write a whole number, for example 12.")
                if field.kind == FieldKind.NUMBER
                else _("Write a date as 31-12-2026.")
            )
    return values, errors


def required_missing(report_type: ReportType, values: Mapping[str, Any], attached: set[str]) -> list[str]:
    """The labels of required fields with no value (or no file)."""
    missing = []
    for field in report_type.fields.all():
        if not field.required:
            continue
        present = (
            field.key in attached if field.kind == FieldKind.ATTACHMENT else values.get(field.key) not in (None, "")
        )
        if not present:
            missing.append(field.label)
    return missing


# --- files checked by content ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content: bytes
    field_key: str = ""


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "xlsx": XLSX_TYPE}


def file_kind(content: bytes) -> str | None:
    """The kind of a file from its first bytes (never from its name): pdf, jpg, png or xlsx; None otherwise."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            return None
    return None


def file_check(upload: UploadedFile) -> str:
    """The file's kind, or DesaError saying why it is not kept."""
    if len(upload.content) > FILE_MAX_BYTES:
        raise DesaError(_("%(name)s is larger than 10 MB.") % {"name": upload.name})
    kind = file_kind(upload.content)
    if kind is None:
        raise DesaError(
            _("%(name)s is not a PDF, JPEG, PNG or XLSX file (checked by its content).") % {"name": upload.name}
        )
    return kind


def email_valid(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True
