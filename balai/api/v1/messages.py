"""The API's own messages in both languages, and the language of each request (Accept-Language, Indonesian first).

The messages of the rules shared with the web form (field validation, the photo pipeline, the reporter's
actions) come from the translation catalogue as they do on the web. The few messages only the API needs are kept
here side by side, keyed by their machine code: they are part of the API's contract, so a reviewer sees both
wordings of every code in one place.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language

# code: (Bahasa Indonesia, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "validation_error": (
        "Ada isian yang belum benar; lihat daftar di `fields`.",
        "Some fields are not valid; see the list in `fields`.",
    ),
    "bad_request": ("Permintaan ini tidak dapat dibaca.", "The request could not be read."),
    "payload_too_large": (
        "Permintaan terlalu besar. Foto boleh sampai %(photo_mb)d MB masing-masing; isian lain paling banyak %(form_mb)d MB.",
        "The request is too large. Photos may be up to %(photo_mb)d MB each; the other fields at most %(form_mb)d MB.",
    ),
    "too_many_files": (
        "Terlalu banyak berkas dalam satu permintaan; paling banyak %(max)d foto.",
        "Too many files in one request; at most %(max)d photos.",
    ),
    "unsupported_media_type": (
        "Kirim isian sebagai %(expected)s.",
        "Send the fields as %(expected)s.",
    ),
    "invalid_api_key": (
        "Kunci API ini tidak dikenal. Kirim `Authorization: Bearer <kunci>` atau `X-Api-Key: <kunci>`, atau tanpa kunci sama sekali.",
        "This API key is not known. Send `Authorization: Bearer <key>` or `X-Api-Key: <key>`, or no key at all.",
    ),
    "api_key_revoked": (
        "Kunci API ini sudah dicabut. Minta kunci baru kepada pengelola Balai.",
        "This API key has been revoked. Ask the Balai administrator for a new key.",
    ),
    "reporter_token_required": (
        "Kirim token pelapor (dari email atau halaman konfirmasi) di header X-Reporter-Token.",
        "Send the reporter's token (from the email or the confirmation page) in the X-Reporter-Token header.",
    ),
    "reporter_token_invalid": (
        "Token pelapor tidak cocok dengan laporan ini.",
        "The reporter's token does not match this report.",
    ),
    "not_found": ("Alamat ini tidak ada di API.", "There is no such address in the API."),
    "report_not_found": (
        "Tidak ada laporan dengan kode %(code)s. Periksa hurufnya satu per satu: kode tidak memakai 0, O, 1, atau I.",
        "No report has the code %(code)s. Check it letter by letter: it has no 0, O, 1 or I.",
    ),
    "method_not_allowed": (
        "Metode %(method)s tidak dapat dipakai di alamat ini.",
        "The method %(method)s cannot be used at this address.",
    ),
    "rate_limited": (
        "Terlalu banyak permintaan dalam waktu singkat. Coba lagi dalam %(seconds)d detik.",
        "Too many requests in a short time. Try again in %(seconds)d seconds.",
    ),
    "invalid_idempotency_key": (
        "Idempotency-Key harus 16 sampai 200 karakter ASCII tanpa spasi, misalnya sebuah UUID.",
        "The Idempotency-Key must be 16 to 200 ASCII characters without spaces, for example a UUID.",
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda. Pakai kunci baru untuk laporan baru.",
        "This Idempotency-Key was already used for a different request. Use a new key for a new report.",
    ),
    "idempotency_in_progress": (
        "Permintaan pertama dengan Idempotency-Key ini masih diproses. Ulangi sebentar lagi dengan kunci yang sama.",
        "The first request with this Idempotency-Key is still being processed. Retry shortly with the same key.",
    ),
    "not_configured": (
        "Profil Pemda belum diatur, jadi API ini belum dapat dipakai.",
        "The Pemda profile is not configured yet, so this API cannot be used.",
    ),
    "internal_error": (
        "Terjadi kesalahan di server. Sudah kami catat; silakan coba lagi nanti.",
        "Something went wrong on the server. It has been logged; please try again later.",
    ),
    # Field messages the catalogue has no wording for.
    "invalid_boolean": ("Isi true atau false.", "Enter true or false."),
    "too_many_items": ("Paling banyak %(n)d.", "At most %(n)d."),
    "invalid_json_object": (
        'Isi dengan objek JSON, misalnya {"ukuran": "besar"}.',
        'Enter a JSON object, for example {"ukuran": "besar"}.',
    ),
    "unknown_question": (
        "Kategori ini tidak punya pertanyaan dengan kode ini.",
        "This category has no question with this code.",
    ),
    "unknown_category": (
        "Tidak ada kategori aktif dengan kode ini; lihat GET /api/v1/categories.",
        "There is no active category with this code; see GET /api/v1/categories.",
    ),
    "coordinates_incomplete": (
        "Kirim latitude dan longitude bersama-sama.",
        "Send latitude and longitude together.",
    ),
}

SUPPORTED = ("id", "en")
# Older Android and Java report Indonesian as "in".
ALIASES = {"in": "id"}


def message(key: str, /, **params: Any) -> str:
    """The message for the code `key` in the active language (Indonesian unless English is active)."""
    indonesian, english = MESSAGES[key]
    text = english if (get_language() or "").startswith("en") else indonesian
    return text % params if params else text


def negotiate_language(accept_language: str) -> str:
    """The first of Indonesian or English that the client accepts, by preference; Indonesian otherwise."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        base = ALIASES.get(base, base)
        if base not in SUPPORTED:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            choices.append((-quality, position, base))
    return min(choices)[2] if choices else settings.LANGUAGE_CODE
