"""The one cleaning of free text that people send (titles, descriptions, addresses, names, answers), whatever the
channel: control characters and bidirectional overrides removed, line ends and spaces made regular.

Bidirectional overrides (U+202E and kin) make a title read differently from what it says ("Trojan Source"), in
the staff list, in public pages and in email subjects alike; control characters break email headers and
terminals. Joiners (U+200C, U+200D) and emoji tags stay: scripts and emoji need them.
"""

from __future__ import annotations

import re
import unicodedata

# Embeddings, overrides, isolates and the marks that steer them (Unicode's Bidi_Control property).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEEP_FORMAT = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner: needed by scripts and emoji
_LINE_BREAKS = frozenset("\n\u2028\u2029\x85\x0b\x0c")
_BLANK_LINES = re.compile(r"\n{3,}")


def _kept(ch: str) -> bool:
    if ch in BIDI_CONTROLS:
        return False
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs"):
        return False
    # Other invisible format characters (zero-width space, BOM, soft hyphen…) hide text; emoji tags do not.
    return not (category == "Cf" and ch not in _KEEP_FORMAT and not "\U000e0020" <= ch <= "\U000e007f")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without control characters or bidirectional controls, in Unicode NFC.

    One line (`multiline=False`): every run of white space, line breaks included, becomes one space. Several
    lines: line breaks become "\\n", tabs a space, each line loses its trailing spaces, at most one blank line
    in a row, no blank lines around the text.
    """
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        "\n" if ch in _LINE_BREAKS else " " if ch == "\t" else ch
        for ch in text
        if ch in _LINE_BREAKS or ch == "\t" or _kept(ch)
    )
    if not multiline:
        return " ".join(text.split())
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def has_unsafe_characters(value: str) -> bool:
    """Whether `clean_text` would remove something other than white space."""
    return any(not _kept(ch) for ch in value if ch not in _LINE_BREAKS and ch != "\t")


# What a spreadsheet takes for the start of a formula in a cell read from a CSV file ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text that a spreadsheet would take for a formula gets an apostrophe in front."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
