"""A module's units that are not OPD (kelurahan, desa) reach the command center's readiness, and its sections reach
the mayor's monthly PDF, through the registry alone: dasbor renders whatever a module gives, knowing nothing of it."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from balai.core.models import Unit
from balai.core.registry import Module, ReportColumn, ReportSection, UnitReadiness, registry
from balai.dasbor.monthly_report import monthly_report_data

pytestmark = pytest.mark.django_db
ASKED: list[tuple[Any, ...]] = []


def _units(unit_ids: frozenset[int] | None, now: datetime) -> list[UnitReadiness]:
    ASKED.append(("units", unit_ids))
    return [
        UnitReadiness(u.pk, u.name, "Kec. Contoh", ready=u.slug.endswith("a"), state="x", state_label="Tertinggal",
                      reason=f"Alasan {u.slug}", url=f"/contoh/#{u.slug}")
        for u in Unit.objects.filter(kind="kelurahan").order_by("wilayah_id")[:3]
    ]  # fmt: skip


def _sections(first: dt.date, last: dt.date) -> list[ReportSection]:
    ASKED.append(("sections", first, last))
    return [
        ReportSection(
            key="contoh-bulan",
            title=f"Contoh {first:%m}",
            columns=(ReportColumn("Wilayah"), ReportColumn("Jumlah", numeric=True)),
            rows=(("Utara", 3), ("Selatan", None)),
            notes=("Catatan satu.", "Catatan dua."),
        )
    ]


EXAMPLE = Module(label="contoh", name="Contoh wilayah", unit_readiness=_units, report_sections=_sections)


@pytest.fixture
def example_module() -> Any:
    ASKED.clear()
    registry.register(EXAMPLE)
    yield EXAMPLE
    registry.unregister("contoh")


def test_the_command_center_lists_a_modules_units_that_are_not_ready(client, city, coordinator, example_module):
    client.force_login(coordinator)
    page = client.get(reverse("dasbor:overview")).content.decode()
    units = list(Unit.objects.filter(kind="kelurahan").order_by("wilayah_id")[:3])
    start = page.index('id="units-contoh"')
    section = page[start : page.index("</section>", start)]
    ready = sum(u.slug.endswith("a") for u in units)
    assert f"{ready} dari 3 unit siap" in section
    for unit in units:
        assert (f'<a href="/contoh/#{unit.slug}">{unit.name}</a>' in section) is not unit.slug.endswith("a")
        assert (f"Alasan {unit.slug}" in section) is not unit.slug.endswith("a")
    assert ("units", None) in ASKED  # the whole Pemda for the coordinator


def test_an_opd_reader_asks_for_their_units_only(client, city, operator_pupr, example_module):
    client.force_login(operator_pupr)
    client.get(reverse("dasbor:overview"))
    pupr = Unit.objects.get(memberships__user=operator_pupr)
    assert ("units", frozenset({pupr.pk})) in ASKED


def test_the_monthly_pdf_of_the_pemda_carries_every_modules_sections_and_an_opds_does_not(city, example_module):
    with translation.override("en"):
        whole = monthly_report_data(month=dt.date(2026, 2, 1), unit=None)
        assert [("sections", dt.date(2026, 2, 1), dt.date(2026, 2, 28))] == ASKED
        ASKED.clear()
        opd = monthly_report_data(month=dt.date(2026, 2, 1), unit=Unit.objects.get(slug="dinkes"))
    table = next(t for t in whole.tables if t.slug == "contoh-bulan")
    assert table.title == "Contoh 02"
    assert [(c.label, c.numeric) for c in table.columns] == [("Wilayah", False), ("Jumlah", True)]
    assert [[c.text for c in row] for row in table.display_rows()] == [["Utara", "3"], ["Selatan", "—"]]
    assert table.note == "Catatan satu. Catatan dua."
    assert "contoh-bulan" not in [t.slug for t in opd.tables]
    assert not [a for a in ASKED if a[0] == "sections"]
