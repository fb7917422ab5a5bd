"""Tracking codes: the shape citizens see, and reading back what they type or hear over the phone."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from balai.lapor import codes

PREFIX = "BTG"
CODE_SHAPE = re.compile(r"^BTG-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}$")

bodies = st.text(alphabet=codes.ALPHABET, min_size=8, max_size=8)
separators = st.sampled_from(["", " ", "-", "  ", " - ", ".", "_"])


def _canonical(body: str) -> str:
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def test_a_generated_code_has_the_prefix_and_two_groups_of_four():
    for _ in range(200):
        assert CODE_SHAPE.match(codes.generate(PREFIX))


def test_the_alphabet_leaves_out_characters_that_are_confused_when_read_aloud():
    assert set(codes.ALPHABET).isdisjoint("0O1I")
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 32


def test_generated_codes_never_contain_confusable_characters():
    bodies_seen = "".join(codes.generate(PREFIX)[len(PREFIX) :] for _ in range(2000))
    assert set(bodies_seen) - {"-"} <= set(codes.ALPHABET)
    assert set(bodies_seen).isdisjoint("0O1I")


def test_many_generated_codes_are_all_different():
    generated = [codes.generate(PREFIX) for _ in range(20_000)]
    assert len(set(generated)) == len(generated)


@given(st.integers(min_value=0, max_value=50))
def test_a_generated_code_normalizes_to_itself(_):
    code = codes.generate(PREFIX)
    assert codes.normalize(code, PREFIX) == code


@given(body=bodies, sep=separators, with_prefix=st.booleans(), lower=st.booleans())
# A code whose body starts with the prefix letters, typed without the prefix.
@example(body="BTG23456", sep="-", with_prefix=False, lower=False)
@example(body="BTGBTG23", sep="", with_prefix=False, lower=True)
def test_case_spaces_dashes_and_the_prefix_do_not_matter(body, sep, with_prefix, lower):
    typed = sep.join([PREFIX, body[:4], body[4:]] if with_prefix else [body[:4], body[4:]])
    if lower:
        typed = typed.lower()

    assert codes.normalize(typed, PREFIX) == _canonical(body)
    assert codes.normalize(f"  {typed} ", PREFIX) == _canonical(body)


def test_a_code_read_out_in_pieces_is_understood():
    assert codes.normalize("btg 7 k 3 m - 9 x 2 p", PREFIX) == "BTG-7K3M-9X2P"
    assert codes.normalize("7K3M9X2P", PREFIX) == "BTG-7K3M-9X2P"


@given(body=st.text(alphabet=codes.ALPHABET, min_size=0, max_size=16).filter(lambda b: len(b) != 8))
def test_it_rejects_a_code_of_the_wrong_length(body):
    assert codes.normalize(body, PREFIX) is None
    # "BTG" and five characters are eight characters: a body that starts with B, T, G, not a short code.
    if len(body) != 8 - len(PREFIX):
        assert codes.normalize(f"{PREFIX}-{body}", PREFIX) is None


@given(body=bodies, position=st.integers(min_value=0, max_value=7), bad=st.sampled_from("0O1IoiÖ!#"))
def test_it_rejects_a_code_with_a_character_outside_the_alphabet(body, position, bad):
    broken = body[:position] + bad + body[position + 1 :]
    assert codes.normalize(_canonical(broken), PREFIX) is None


@pytest.mark.parametrize("typed", ["", "   ", "BTG", "BTG-", "MDO-7K3M-9X2P", "BTG-7K3M-9X2P-22", "BTGG7K3M9X2P"])
def test_it_rejects_text_that_cannot_be_a_code(typed):
    assert codes.normalize(typed, PREFIX) is None
