"""The rules for what an email cannot say as the web form does: category, place, title, text, photos, tracking code."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from balai.core.models import Pemda, Wilayah
from balai.lapor import codes
from balai.lapor.images import PhotoError, ProcessedPhoto, process_photo
from balai.lapor.models import Category

from .parsing import Attachment, image_kind

TITLE_MAX = 150
DESCRIPTION_MAX = 4000
CATEGORY_SLUG = "lainnya"

_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|tr|balas|bls)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_WILAYAH_CODE = re.compile(r"(?<![\d.])(\d{2}\.\d{2}\.\d{2}\.\d{4})(?![\d.]*\d)")


def email_category() -> Category:
    category = (
        Category.objects.filter(slug=CATEGORY_SLUG, is_active=True).first()
        or Category.objects.filter(is_active=True).order_by("order", "name").first()
    )
    if category is None:
        raise RuntimeError("no active category: create one before taking reports by email")
    return category


@dataclass(frozen=True)
class Place:
    kelurahan: Wilayah
    note: str = ""


def _name_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s\-]+", name.strip()) if w]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(words) + r"(?!\w)", re.IGNORECASE)


def _names_in(text: str, kelurahan: list[Wilayah]) -> list[Wilayah]:
    """Kelurahan named in the text, longest name first; a name inside a longer match does not count."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Wilayah]] = []
    for wilayah in sorted(kelurahan, key=lambda w: -len(w.name)):
        for match in _name_pattern(wilayah.name).finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append((start, wilayah))
    found.sort(key=lambda item: item[0])
    unique: list[Wilayah] = []
    for _start, wilayah in found:
        if wilayah not in unique:
            unique.append(wilayah)
    return unique


def place_from_text(*, pemda: Pemda, subject: str, body: str) -> Place:
    """The kelurahan an email is about, by the rule in the package's docstring (balai.api.email_intake); never None."""
    kelurahan = list(Wilayah.objects.kelurahan_of(pemda.wilayah_id).order_by("code"))
    if not kelurahan:
        raise RuntimeError("the Pemda has no kelurahan: import the wilayah first")
    by_code = {w.code: w for w in kelurahan}
    for code in _WILAYAH_CODE.findall(f"{subject}\n{body}"):
        if code in by_code:
            return Place(by_code[code])
    for text in (subject, body):
        named = _names_in(text, kelurahan)
        if len(named) == 1:
            return Place(named[0])
        if named:
            return Place(
                named[0],
                _("The email names several places (%(names)s); the first was taken. Check with the reporter.")
                % {"names": ", ".join(w.name for w in named)},
            )
    return Place(kelurahan[0], _("Place unknown: ask the reporter which kelurahan or desa this is about."))


def tracking_code_in(subject: str, prefix: str) -> str | None:
    """The first tracking code of this Pemda in a subject, in canonical form (BTG-7K3Q-9XFA)."""
    body = f"[{codes.ALPHABET}]{{{codes.GROUP_LENGTH}}}"
    pattern = re.compile(rf"(?<![A-Z0-9]){re.escape(prefix)}[\s\-]?{body}[\s\-]?{body}(?![A-Z0-9])", re.IGNORECASE)
    match = pattern.search(subject)
    return codes.normalize(match.group(0), prefix) if match else None


def _title(subject: str) -> str:
    title = " ".join(_REPLY_PREFIX.sub("", subject).split())
    if not title:
        return _("Report by email")
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def _description(text: str) -> str:
    if not text:
        return _("(The email had no text.)")
    if len(text) <= DESCRIPTION_MAX:
        return text
    note = "\n\n" + _("[Shortened: the email had %(n)d characters.]") % {"n": len(text)}
    return text[: DESCRIPTION_MAX - len(note) - 1].rstrip() + "…" + note


def _photos(attachments: Iterable[Attachment], room: int) -> tuple[list[ProcessedPhoto], list[str]]:
    """Up to `room` clean photos, and a line for every attachment that was not taken."""
    photos: list[ProcessedPhoto] = []
    skipped: list[str] = []
    for item in attachments:
        label = item.filename or item.content_type
        if image_kind(item.content) is None:
            skipped.append(_("%(name)s: not a photo, ignored.") % {"name": label})
            continue
        if len(photos) >= room:
            skipped.append(
                _("%(name)s: more than %(max)d photos, ignored.") % {"name": label, "max": settings.PHOTO_MAX_COUNT}
            )
            continue
        try:
            photos.append(
                process_photo(
                    io.BytesIO(item.content),
                    size=len(item.content),
                    max_bytes=settings.PHOTO_MAX_BYTES,
                    max_side=settings.PHOTO_MAX_SIDE,
                )
            )
        except PhotoError as exc:
            skipped.append(f"{label}: {exc}")
    return photos, skipped
