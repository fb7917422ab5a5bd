"""The command center shows the headline figures of every other registered module, for the reader's reach."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from balai.core.models import Unit
from balai.core.registry import Kpi, Module, registry
from tests.lapor.backoffice.steps import client_for, text

pytestmark = pytest.mark.django_db

URL = "/staf/dasbor/"


@pytest.fixture
def asked() -> Iterator[list[frozenset[int] | None]]:
    """A module of the test's own ("contoh") with one figure: its pages waiting, counted per OPD; records each reach asked."""
    reaches: list[frozenset[int] | None] = []

    def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
        reaches.append(unit_ids)
        waiting = 7 if unit_ids is None else 2
        return [Kpi("contoh.waiting", "halaman menunggu terbit", waiting, url="/staf/contoh/")]

    registry.register(Module(label="contoh", name="Situs contoh", kpis=kpis))
    try:
        yield reaches
    finally:
        registry.unregister("contoh")


def test_the_coordinator_sees_another_modules_figures_for_the_whole_pemda(city: Any, coordinator: Any, asked):
    page = text(client_for(coordinator).get(URL))

    assert asked == [None]
    assert "Situs contoh" in page
    assert '<span class="n">7</span> halaman menunggu terbit' in page
    assert 'href="/staf/contoh/"' in page


def test_the_head_of_an_opd_sees_the_figures_of_their_opd_only(city: Any, head_pupr: Any, asked):
    page = text(client_for(head_pupr).get(URL))

    assert asked == [frozenset({Unit.objects.get(slug="dinas-pupr").pk})]
    assert '<span class="n">2</span> halaman menunggu terbit' in page


def test_the_reports_own_figures_are_not_repeated(city: Any, coordinator: Any):
    page = text(client_for(coordinator).get(URL))

    assert "Reports in hand at OPD" not in page
