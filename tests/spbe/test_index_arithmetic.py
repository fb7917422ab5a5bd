"""The index on hand-computed cases: Σ(level × weight) ÷ Σ weight over the reviewed indicators, rounded to two
places at the end; an incomplete assessment; the predicate bands; changed weights in a new year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balai.spbe import selectors, services
from balai.spbe.scoring import Bands, Scored, gains, index_by, index_of, predicate

from .conftest import assessment, reviewed

D = Decimal


def test_the_index_weighs_each_level_by_its_indicator():
    # (3 × 1.30 + 4 × 2.50 + 2 × 3.00) ÷ (1.30 + 2.50 + 3.00) = 19.90 ÷ 6.80 = 2.926… → 2.93
    items = [Scored(1, D("1.30"), 3), Scored(11, D("2.50"), 4), Scored(42, D("3.00"), 2)]
    result = index_of(items)
    assert result.index == D("2.93")
    assert result.complete


def test_rounding_is_half_up_at_the_end_only():
    # (1 × 1 + 2 × 1 + 2 × 2) ÷ 4 = 7 ÷ 4 = 1.75 exactly; (2 × 1 + 3 × 1 + 3 × 6) ÷ 8 = 23 ÷ 8 = 2.875 → 2.88
    assert index_of([Scored(1, D(1), 1), Scored(2, D(1), 2), Scored(3, D(2), 2)]).index == D("1.75")
    assert index_of([Scored(1, D(1), 2), Scored(2, D(1), 3), Scored(3, D(6), 3)]).index == D("2.88")


def test_an_incomplete_assessment_counts_only_the_reviewed_indicators_and_says_how_much_is_done():
    # Reviewed: 4 × 2.75 and 2 × 1.50 → (11.00 + 3.00) ÷ 4.25 = 3.294… → 3.29; not yet: 3.00 and 2.50.
    items = [
        Scored(32, D("2.75"), 4),
        Scored(21, D("1.50"), 2),
        Scored(42, D("3.00"), None),
        Scored(11, D("2.50"), None),
    ]
    result = index_of(items)
    assert result.index == D("3.29")
    assert (result.assessed, result.total) == (2, 4)
    assert result.share_assessed == D("50.00")
    # 4.25 of 9.75 of the weight: 43.589… → 43.59 %
    assert result.weight_share_assessed == D("43.59")
    assert not result.complete


def test_nothing_reviewed_has_no_index_and_no_predicate():
    result = index_of([Scored(1, D("1.30"), None)])
    assert result.index is None
    assert predicate(result.index, Bands()) == ""


@pytest.mark.parametrize(
    ("index", "expected"),
    [("4.20", "memuaskan"), ("4.19", "sangat_baik"), ("3.50", "sangat_baik"), ("3.49", "baik"), ("2.60", "baik"),
     ("2.59", "cukup"), ("1.80", "cukup"), ("1.79", "kurang"), ("1.00", "kurang")],
)  # fmt: skip
def test_the_default_bands_follow_the_regulation(index, expected):
    assert predicate(D(index), Bands()) == expected


def test_domains_and_aspects_have_their_own_index():
    items = [Scored(1, D("1.30"), 2, domain=1, aspect=1), Scored(42, D("3.00"), 4, domain=4, aspect=8),
             Scored(32, D("2.75"), 2, domain=4, aspect=7)]  # fmt: skip
    by_domain = index_by(items, "domain")
    assert by_domain[1].index == D("2.00")
    # (4 × 3.00 + 2 × 2.75) ÷ 5.75 = 17.50 ÷ 5.75 = 3.043… → 3.04
    assert by_domain[4].index == D("3.04")
    assert index_by(items, "aspect")[8].index == D("4.00")


def test_what_raises_the_index_most_is_weight_times_levels_to_gain():
    items = [Scored(1, D("1.30"), 1), Scored(42, D("3.00"), 4), Scored(32, D("2.75"), None), Scored(11, D("2.50"), 5)]
    rows = gains(items)
    # 32: 2.75 × 4 = 11.00 (counted from level 1); 1: 1.30 × 4 = 5.20; 42: 3.00 × 1 = 3.00; 11 is at level 5.
    assert [(g.number, g.potential, g.levels_to_gain) for g in rows] == [
        (32, D("11.00"), 4), (1, D("5.20"), 4), (42, D("3.00"), 1)]  # fmt: skip
    # One more level of indicator 42 raises a complete index by 3.00 ÷ 9.55.
    assert rows[2].per_level == D("3.00") / D("9.55")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.decimals(D("0.01"), D("10"), places=2)), min_size=1, max_size=47))
def test_the_index_lies_between_the_lowest_and_highest_level(rows):
    result = index_of(Scored(n, weight, level) for n, (level, weight) in enumerate(rows))
    assert result.index is not None
    assert min(level for level, _w in rows) <= result.index <= max(level for level, _w in rows)


def test_the_shipped_weights_add_up_as_the_regulation_gives_them(framework):
    view = selectors.overview(framework)
    assert view.result.weight_total == D("100.00")
    assert {g.number: g.weight for g in view.domains} == {1: D("13.00"), 2: D("25.00"), 3: D("16.50"), 4: D("45.50")}
    assert [g.weight for g in view.aspects] == [D(w) for w in ("13", "10", "10", "5", "12", "4.5", "27.5", "18")]
    assert len(view.indicators) == 47


def test_a_new_year_with_changed_weights_computes_with_its_own_weights(framework, spbe_coordinator, sysadmin):
    # 2025: 42 at level 4 (weight 3.00), 1 at level 2 (weight 1.30): (12.00 + 2.60) ÷ 4.30 = 3.395… → 3.40
    reviewed(framework, 42, 4, spbe_coordinator)
    reviewed(framework, 1, 2, spbe_coordinator)
    assert selectors.overview(framework).result.index == D("3.40")
    # 2026 copies 2025; the admin lowers indicator 42 to 2.00 and raises indicator 1 to 2.30.
    new = services.framework_create_year(actor=sysadmin, year=2026)
    for number, weight in ((42, "2,00"), (1, "2.30")):
        indicator = new.indicators.get(number=number)
        services.indicator_update(actor=sysadmin, indicator=indicator, version=indicator.version,
                                  changes={"weight": weight})  # fmt: skip
    reviewed(new, 42, 4, spbe_coordinator)
    reviewed(new, 1, 2, spbe_coordinator)
    # (4 × 2.00 + 2 × 2.30) ÷ 4.30 = 12.60 ÷ 4.30 = 2.930… → 2.93, while 2025 keeps 3.40.
    assert selectors.overview(new).result.index == D("2.93")
    assert selectors.overview(framework).result.index == D("3.40")
    yoy = selectors.year_on_year()
    assert [(row.framework.year, row.result.index) for row in yoy.years] == [(2025, D("3.40")), (2026, D("2.93"))]
    assert {(c.number, c.weight_before, c.weight_after) for c in yoy.changes} == {
        (1, D("1.30"), D("2.30")), (42, D("3.00"), D("2.00"))}  # fmt: skip


def test_a_level_counts_only_once_reviewed(framework, spbe_coordinator):
    a = services.assessment_save(actor=spbe_coordinator, assessment=assessment(framework, 42), version=None, level=5,
                                 justification="Lengkap.")  # fmt: skip
    services.assessment_submit(actor=spbe_coordinator, assessment=a, version=None)
    assert selectors.overview(framework).result.index is None
    reviewed(framework, 1, 3, spbe_coordinator)
    assert selectors.overview(framework).result.index == D("3.00")


def test_edited_bands_change_the_predicate(framework, spbe_coordinator, sysadmin):
    reviewed(framework, 42, 3, spbe_coordinator)
    assert selectors.overview(framework).predicate == "baik"
    framework = services.framework_bands_update(actor=sysadmin, framework=framework, version=framework.version, bands={
        "band_memuaskan": "4,5", "band_sangat_baik": "3.80", "band_baik": "3.10", "band_cukup": "2.00"})  # fmt: skip
    assert selectors.overview(framework).predicate == "cukup"
