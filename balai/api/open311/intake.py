"""A POST service request read and checked into a ReportInput, with every problem named at once.

The same rules as Balai's web form where the spec leaves room: plain text, 20 to 4,000 characters of
description, a place inside the Pemda, a valid phone number, and the category's questions validated by
`validate_answers`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from balai.core.models import Pemda, Wilayah, WilayahLevel
from balai.core.selectors import kelurahan_at
from balai.core.services import wilayah_by_code
from balai.lapor.forms import normalize_phone
from balai.lapor.models import Category, QuestionType
from balai.lapor.questions import questions_for, validate_answers
from balai.lapor.services import ReportInput
from balai.lib.text import clean_text

DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 4000
TITLE_MAX = 150
ADDRESS_MAX = 255
NAME_MAX = 100
EMAIL_MAX = 254
MEDIA_URL_MAX = 500
SIX_PLACES = Decimal("0.000001")

_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\[\]]+)\](?P<many>\[\])?$")
# An opening or closing tag, a comment or a doctype: the spec says description carries no HTML.
# "<" followed by a space or a digit is text, as for a browser: "air < 30 cm" is fine.
_HTML = re.compile(r"<(?:/?[a-zA-Z][^<>]*|!--.*?--|![a-zA-Z][^<>]*)>", re.DOTALL)
_KELURAHAN_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{4})$")


class Open311Error(Exception):
    """An answer in the spec's error format: one HTTP status, one or more descriptions."""

    def __init__(self, status: int, *descriptions: str, headers: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)
        self.headers = headers or {}


@dataclass(frozen=True)
class Submission:
    data: ReportInput
    service_code: str


def has_control_characters(text: str) -> bool:
    """NUL and other control characters: PostgreSQL refuses NUL and XML cannot carry most of them."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text)


def check_plain_parameters(params: Any) -> None:
    """Every parameter name and value free of control characters, or a 400 naming the first bad one."""
    for name in params:
        values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        if has_control_characters(name) or any(has_control_characters(v) for v in values):
            raise Open311Error(400, _("%(name)s contains control characters.") % {"name": name[:40]})


def _one_line(text: str) -> str:
    return " ".join(text.split())


def title_from(description: str) -> str:
    """Open311 has no title: the description's first line, cut at a word if it is long."""
    first = _one_line(description.strip().splitlines()[0] if description.strip() else "")
    if len(first) <= TITLE_MAX:
        return first
    cut = first[: TITLE_MAX - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def kelurahan_by_code(raw: str, pemda: Pemda) -> Wilayah | None:
    """A kelurahan or desa of this Pemda by its Kemendagri code, dotted (71.72.02.1001) or not (7172021001),
    current or replaced (balai.core.services.wilayah_aliases)."""
    code = raw.strip()
    digits = _KELURAHAN_DIGITS.match(code)
    if digits:
        code = ".".join(digits.groups())
    return wilayah_by_code(code, level=WilayahLevel.DESA_KELURAHAN, code__startswith=f"{pemda.wilayah_id}.")


def _only_kelurahan(pemda: Pemda) -> Wilayah | None:
    candidates = list(Wilayah.objects.kelurahan_of(pemda.wilayah_id)[:2])
    return candidates[0] if len(candidates) == 1 else None


def _decimal(raw: str, name: str, limit: int, errors: list[str]) -> Decimal | None:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > limit:
        errors.append(
            _("%(name)s must be a decimal number of degrees between -%(limit)d and %(limit)d (WGS84).")
            % {"name": name, "limit": limit}
        )
        return None
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def _plain_text(params: Mapping[str, str], name: str, limit: int, errors: list[str]) -> str:
    text = clean_text(params.get(name, ""), multiline=name == "description")
    if _HTML.search(text):
        errors.append(_("%(name)s must be plain text: HTML is not accepted.") % {"name": name})
    elif len(text) > limit:
        errors.append(
            _("%(name)s is too long: at most %(limit)d characters (it has %(count)d).")
            % {"name": name, "limit": limit, "count": len(text)}
        )
    return text


def _answers_raw(params: Any, category: Category, errors: list[str]) -> dict[str, Any]:
    """`attribute[code]` (and `attribute[code][]` for multivaluelist) by question code."""
    questions = {q.code: q for q in questions_for(category)}
    sent: dict[str, list[str]] = {}
    for name in params:
        if not name.startswith("attribute"):
            continue
        match = _ATTRIBUTE.match(name)
        if match is None:
            errors.append(_("%(name)s is not an attribute: write attribute[code].") % {"name": name[:60]})
            continue
        sent.setdefault(match["code"], []).extend(params.getlist(name))
    raw: dict[str, Any] = {}
    for code, values in sent.items():
        question = questions.get(code)
        if question is None:
            errors.append(
                _("attribute[%(code)s]: the service %(service)s has no attribute %(code)s.")
                % {"code": code[:40], "service": category.slug}
            )
        elif question.datatype == QuestionType.MULTI:
            raw[code] = values
        elif len(values) > 1:
            errors.append(_("attribute[%(code)s] takes one value.") % {"code": code})
        else:
            raw[code] = values[0] if values else ""
    return raw


def submission_from(params: Any, *, pemda: Pemda) -> Submission:
    """The report a POST describes, or Open311Error: 404 for an unknown service, else 400 with every problem."""
    check_plain_parameters(params)
    service_code = params.get("service_code", "").strip()
    if not service_code:
        raise Open311Error(400, _("service_code is required."))
    category = Category.objects.filter(slug=service_code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": service_code[:80]})
    errors: list[str] = []

    # The place: lat+long, address_string or address_id, any of the three. Without address_id the kelurahan comes
    # from the point (the Pemda's imported boundaries) or, failing that, from the coordinator when verifying.
    latitude = longitude = None
    raw_lat, raw_long = params.get("lat", "").strip(), params.get("long", "").strip()
    if bool(raw_lat) != bool(raw_long):
        errors.append(_("lat and long go together: send both or neither."))
    elif raw_lat:
        latitude = _decimal(raw_lat, "lat", 90, errors)
        longitude = _decimal(raw_long, "long", 180, errors)
        if latitude is not None and longitude is not None and not pemda.contains_point(latitude, longitude):
            errors.append(
                _("lat/long %(lat)s,%(long)s is outside the area of %(pemda)s.")
                % {"lat": latitude, "long": longitude, "pemda": pemda.short_name}
            )
    address = _plain_text(params, "address_string", ADDRESS_MAX, errors)
    raw_address_id = params.get("address_id", "").strip()
    kelurahan = None
    if raw_address_id:
        kelurahan = kelurahan_by_code(raw_address_id, pemda)
        if kelurahan is None:
            errors.append(
                _("address_id %(code)s is not the Kemendagri code of a kelurahan or desa of %(pemda)s.")
                % {"code": raw_address_id[:40], "pemda": pemda.short_name}
            )
    if not (raw_lat or raw_long or address or raw_address_id):
        errors.append(_("A location is required: lat and long, address_string or address_id."))
    elif not raw_address_id:
        if latitude is not None and longitude is not None and not errors:
            kelurahan = kelurahan_at(pemda, latitude, longitude)
        if kelurahan is None:
            kelurahan = _only_kelurahan(pemda)

    description = _plain_text(params, "description", DESCRIPTION_MAX, errors)
    if not description:
        errors.append(_("description is required: what the problem is and where exactly."))
    elif len(description) < DESCRIPTION_MIN:
        errors.append(
            _("description is too short: at least %(min)d characters, saying what the problem is and where.")
            % {"min": DESCRIPTION_MIN}
        )

    # The reporter: all optional; without a name the report is anonymous.
    names = [_plain_text(params, field, NAME_MAX, errors) for field in ("first_name", "last_name")]
    reporter_name = _one_line(" ".join(n for n in names if n))
    if len(reporter_name) > NAME_MAX:
        errors.append(_("first_name and last_name together have at most %(n)d characters.") % {"n": NAME_MAX})
    email = params.get("email", "").strip().lower()
    if email:
        try:
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors.append(_("email is not a valid email address."))
    phone = params.get("phone", "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except forms.ValidationError as exc:
            errors.append(f"phone: {' '.join(exc.messages)}")
    if not (email or phone) and not pemda.allow_anonymous_without_contact:
        errors.append(_("email or phone is required: %(pemda)s follows up every report.") % {"pemda": pemda.short_name})

    media_url = params.get("media_url", "").strip()
    if media_url:
        try:
            if len(media_url) > MEDIA_URL_MAX:
                raise ValidationError("too long")
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(
                _("media_url must be an http or https URL of at most %(n)d characters.") % {"n": MEDIA_URL_MAX}
            )

    raw_answers = _answers_raw(params, category, errors)
    answers, answer_errors = validate_answers(category, raw_answers)
    errors.extend(f"attribute[{code}]: {message}" for code, message in answer_errors.items())

    if errors:
        raise Open311Error(400, *errors)
    personal = bool(reporter_name or email or phone)
    return Submission(
        service_code=category.slug,
        data=ReportInput(
            category=category,
            title=title_from(description),
            description=description,
            kelurahan=kelurahan,
            address=_one_line(address),
            latitude=latitude,
            longitude=longitude,
            reporter_name=reporter_name,
            reporter_email=email,
            reporter_phone=phone,
            is_anonymous=not reporter_name,
            # The client's terms of use oblige it to ask the person before sending their data.
            consent=personal,
            language=translation.get_language() or "id",
            answers=answers,
            media_url=media_url,
        ),
    )
