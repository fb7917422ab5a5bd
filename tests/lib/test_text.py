"""balai.lib.text.clean_text: what every channel does to free text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from balai.lib.text import BIDI_CONTROLS, clean_text

NASTY = st.sampled_from([*BIDI_CONTROLS, "\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u200b", "\ufeff", "\u2028"])
mixed = st.lists(st.one_of(st.characters(), NASTY), max_size=80).map("".join)


@given(mixed, st.booleans())
def test_no_control_or_bidi_character_survives(value, multiline):
    cleaned = clean_text(value, multiline=multiline)

    assert not any(ch in BIDI_CONTROLS for ch in cleaned)
    assert all(unicodedata.category(ch) != "Cc" or (multiline and ch == "\n") for ch in cleaned)
    assert "\u200b" not in cleaned and "\ufeff" not in cleaned


@given(mixed, st.booleans())
def test_cleaning_twice_changes_nothing(value, multiline):
    once = clean_text(value, multiline=multiline)

    assert clean_text(once, multiline=multiline) == once


@given(mixed)
def test_one_line_has_no_line_break_and_single_spaces(value):
    cleaned = clean_text(value)

    assert "\n" not in cleaned and "  " not in cleaned and cleaned == cleaned.strip()


def test_the_words_the_citizen_wrote_stay():
    assert (
        clean_text("Jalan\u202e rusak\u2066 di\x00 Girian 👨\u200d👩\u200d👧")
        == "Jalan rusak di Girian 👨\u200d👩\u200d👧"
    )
    assert clean_text("Baris satu\r\n\r\n\r\n\r\nBaris\tdua  \n", multiline=True) == "Baris satu\n\nBaris dua"
