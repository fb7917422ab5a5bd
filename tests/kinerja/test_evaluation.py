"""The achievement arithmetic on hand-computed cases (balai.kinerja.evaluation)."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - the hand-computed cases read better short

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balai.kinerja.evaluation import DEFAULT_BANDS, achievement, mean, predicate, share


@pytest.mark.parametrize(
    ("target", "realised", "direction", "expected"),
    [
        ("10", "8", "higher", "80.0"),  # 8 of 10 km of road
        ("10", "12.5", "higher", "125.0"),  # more than planned is shown as it is
        ("3", "1", "higher", "33.3"),  # 1 ÷ 3 × 100 = 33.33… → 33.3
        ("4", "5", "lower", "75.0"),  # (2×4 − 5) ÷ 4 × 100
        ("4", "2", "lower", "150.0"),  # half the flooding days: (8 − 2) ÷ 4
        ("4", "9", "lower", "0.0"),  # more than twice the target: never below 0
        ("0", "0", "lower", "100.0"),  # zero target met
        ("0", "2", "lower", "0.0"),  # zero target missed
    ],
    ids=[
        "higher-80",
        "higher-125",
        "higher-third",
        "lower-75",
        "lower-150",
        "lower-floor",
        "zero-lower-met",
        "zero-lower-missed",
    ],
)
def test_achievement_on_hand_computed_cases(target: str, realised: str, direction: str, expected: str) -> None:
    assert achievement(D(target), D(realised), direction) == D(expected)


def test_a_zero_target_where_higher_is_better_has_no_achievement() -> None:
    assert achievement(D(0), D(5), "higher") is None


def test_a_missing_realisation_is_unknown_not_zero() -> None:
    assert achievement(D(10), None, "higher") is None
    assert mean([D(80), None, D(100)]) == D("90.0")
    assert mean([None, None]) is None


def test_rollup_is_the_mean_of_the_known_values() -> None:
    # a sub kegiatan with 80 % and 125 %, another with 75 %: (80 + 125 + 75) ÷ 3 = 93.3
    assert mean([D(80), D(125), D(75)]) == D("93.3")


def test_share_of_nothing_is_unknown() -> None:
    assert share(D(0), D(0)) is None
    assert share(D(312_500_000), D(1_250_000_000)) == D("25.0")


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("100", "Sangat Baik"),
        ("91", "Sangat Baik"),
        ("90.9", "Baik"),
        ("76", "Baik"),
        ("70", "Cukup"),
        ("51", "Kurang"),
        ("50.9", "Sangat Kurang"),
        ("0", "Sangat Kurang"),
    ],
    ids=["100", "91", "90.9", "76", "70", "51", "50.9", "0"],
)
def test_default_predicate_bands(value: str, label: str) -> None:
    assert predicate(D(value), DEFAULT_BANDS) == label


def test_predicate_bands_can_be_the_pemdas_own() -> None:
    assert predicate(D(80), [(D(85), "Tercapai"), (D(0), "Belum tercapai")]) == "Belum tercapai"
    assert predicate(None) == ""


@settings(max_examples=40, deadline=None)
@given(
    target=st.decimals(min_value=D("0.1"), max_value=D(10_000), places=1),
    realised=st.decimals(min_value=D(0), max_value=D(10_000), places=1),
)
def test_more_is_never_worse_when_higher_is_better_and_the_reverse(target: D, realised: D) -> None:
    up, more_up = achievement(target, realised, "higher"), achievement(target, realised + 1, "higher")
    down, more_down = achievement(target, realised, "lower"), achievement(target, realised + 1, "lower")
    assert up is not None and more_up is not None and more_up >= up
    assert down is not None and more_down is not None and more_down <= down and more_down >= 0
