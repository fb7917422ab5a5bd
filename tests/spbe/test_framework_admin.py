"""The framework: shipped as data with its source, copied to a new year, edited and confirmed by the admin only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from balai.core.models import AuditEvent
from balai.spbe import services
from balai.spbe.models import Framework

from .conftest import assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    # The services answer in the person's language; these tests read the English messages.
    with translation.override("en"):
        yield


def test_the_shipped_data_names_its_source_and_the_47_indicators():
    data = services.shipped_framework()
    assert "PermenPANRB 59/2020" in data["source_note"]
    assert [i["number"] for i in data["indicators"]] == list(range(1, 48))
    assert all(len(i["criteria"]) == 5 for i in data["indicators"])
    assert data["indicators"][41]["name"].endswith("Layanan Pengaduan Pelayanan Publik")


def test_a_new_year_copies_the_last_with_its_edits_and_officers_but_not_the_levels(framework, sysadmin, officer,
                                                                                   spbe_coordinator):  # fmt: skip
    indicator = framework.indicators.get(number=44)
    services.indicator_update(actor=sysadmin, indicator=indicator, version=None,
                              changes={"name": "Tingkat Kematangan JDIH (baru)", "criteria_3": "Terintegrasi JDIHN"})  # fmt: skip
    a = services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, 44), version=None,
                                   officer=officer)  # fmt: skip
    services.assessment_save(actor=officer, assessment=a, version=None, level=3, justification="x")
    new = services.framework_create_year(actor=sysadmin, year=2026)
    copied = new.indicators.select_related("assessment").get(number=44)
    assert (copied.name, copied.criteria_3) == ("Tingkat Kematangan JDIH (baru)", "Terintegrasi JDIHN")
    assert copied.assessment.officer == officer
    assert copied.assessment.level is None
    assert AuditEvent.objects.filter(action="spbe.framework_create", changes__copied_from="2025").exists()
    with pytest.raises(services.ActionError, match="exists"):
        services.framework_create_year(actor=sysadmin, year=2026)


def test_only_the_system_administrator_changes_the_framework(framework, spbe_coordinator):
    indicator = framework.indicators.get(number=1)
    with pytest.raises(services.ActionError, match="system administrator"):
        services.indicator_update(actor=spbe_coordinator, indicator=indicator, version=None, changes={"weight": "5"})
    with pytest.raises(services.ActionError, match="system administrator"):
        services.framework_create_year(actor=spbe_coordinator, year=2030)
    assert framework.indicators.get(number=1).weight == Decimal("1.30")


def test_confirming_needs_weights_adding_up_to_100_and_a_changed_weight_unconfirms(framework, sysadmin):
    framework = services.framework_confirm_weights(actor=sysadmin, framework=framework, version=framework.version)
    assert framework.weights_confirmed_at is not None
    assert not framework.indicators.filter(confirmed_by_admin=False).exists()
    indicator = framework.indicators.get(number=1)
    services.indicator_update(actor=sysadmin, indicator=indicator, version=indicator.version, changes={"weight": "2"})
    framework.refresh_from_db()
    assert framework.weights_confirmed_at is None
    assert not framework.indicators.get(number=1).confirmed_by_admin
    with pytest.raises(services.ActionError, match="100"):
        services.framework_confirm_weights(actor=sysadmin, framework=framework, version=framework.version)


def test_bands_must_fall_and_a_bad_number_is_explained(framework, sysadmin):
    bands = {"band_memuaskan": "3", "band_sangat_baik": "3.5", "band_baik": "2.6", "band_cukup": "1.8"}
    with pytest.raises(services.ActionError, match="fall"):
        services.framework_bands_update(actor=sysadmin, framework=framework, version=None, bands=bands)
    with pytest.raises(services.ActionError, match="number"):
        services.framework_bands_update(actor=sysadmin, framework=framework, version=None,
                                        bands={**bands, "band_memuaskan": "empat"})  # fmt: skip
    assert Framework.objects.get(pk=framework.pk).band_memuaskan == Decimal("4.20")


def test_pemda_setup_makes_this_year_once(city):
    from balai.spbe.module import setup

    first = setup(None)
    assert len(first) == 1 and Framework.objects.count() == 1
    assert setup(None) == []
