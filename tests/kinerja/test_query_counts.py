"""Every public page and the OPD evaluation table read the summary cells: the number of queries a page makes does
not grow with the plan (measured on the test plan, then again after the plan grew sixteen-fold), and the cells
stay equal to a recount through every write."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.core.access import staff_scope
from balai.core.models import Wilayah, WilayahLevel
from balai.kinerja.models import Activity, Indicator, IndicatorValue, Level, Plan, Realisation
from balai.kinerja.services import activity_locate
from balai.kinerja.summary import summary_drift, summary_rebuild

from .conftest import DRAIN, ROAD, YEAR, client_for, report_and_accept, sub

pytestmark = pytest.mark.django_db

# The most queries any of these pages may make (session, Pemda, menus and the page's own reads).
BOUND = 20


def _pages() -> dict[str, str]:
    road = sub(ROAD)
    assert road.program is not None and road.parent is not None
    return {
        "year": f"/kinerja/{YEAR}/",
        "opd": f"/kinerja/{YEAR}/opd/dinas-pupr/",
        "urusan": f"/kinerja/{YEAR}/urusan/",
        "places": f"/kinerja/{YEAR}/wilayah/",
        "lkjip": f"/kinerja/{YEAR}/lkjip/dinas-pupr/",
        "program": f"/kinerja/kegiatan/{road.program.public_id}/",
        "kegiatan": f"/kinerja/kegiatan/{road.parent.public_id}/",
        "sub": f"/kinerja/kegiatan/{road.public_id}/",
    }


def _counts(client: Any, pages: dict[str, str], django_assert_max_num_queries: Any) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        client.get(url)  # the per-process memos (Pemda, menus) are warm for both sizes alike
        with django_assert_max_num_queries(BOUND), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(queries)
    return counts


def _grow(copies: int) -> None:
    """Copy every sub kegiatan of the plan, with its indicators, accepted realisations and values, `copies` times
    (bulk inserts beside the services, then the recount an operator runs after such a write)."""
    originals = list(Activity.objects.filter(level=Level.SUB_KEGIATAN).prefetch_related("indicators"))
    realisations = list(Realisation.objects.filter(activity__in=originals).prefetch_related("values"))
    for n in range(1, copies + 1):
        clones = Activity.objects.bulk_create(
            Activity(plan_id=a.plan_id, level=a.level, parent_id=a.parent_id, program_id=a.program_id,
                     code=f"{a.code}.{n:02d}", name=f"{a.name} ({n})", unit_id=a.unit_id, urusan=a.urusan,
                     pagu=a.pagu, kelurahan_id=a.kelurahan_id, geometry=a.geometry, spbe=a.spbe)
            for a in originals
        )  # fmt: skip
        clone_of = {a.pk: c for a, c in zip(originals, clones, strict=True)}
        indicator_of = {}
        for a in originals:
            for indicator in a.indicators.all():
                indicator_of[indicator.pk] = Indicator.objects.create(
                    activity=clone_of[a.pk], name=indicator.name, unit_label=indicator.unit_label,
                    target=indicator.target, direction=indicator.direction,
                )  # fmt: skip
        for r in realisations:
            copy = Realisation.objects.create(
                activity=clone_of[r.activity_id], quarter=r.quarter, physical_pct=r.physical_pct,
                financial=r.financial, status=r.status, achievement=r.achievement, checked_at=r.checked_at,
            )  # fmt: skip
            IndicatorValue.objects.bulk_create(
                IndicatorValue(realisation=copy, indicator=indicator_of[v.indicator_id], achieved=v.achieved)
                for v in r.values.all()
            )
    summary_rebuild()


def test_no_public_page_makes_more_queries_when_the_plan_grows(
    plan: Plan, officer_pupr: Any, bappeda: Any, django_assert_max_num_queries: Any
) -> None:
    report_and_accept(officer_pupr, bappeda, ROAD, 1, "30", 312_500_000, "8")
    report_and_accept(officer_pupr, bappeda, DRAIN, 1, "20", 100_000_000, "5")
    kelurahan = Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN).order_by("code").first()
    road = sub(ROAD)
    activity_locate(actor=bappeda, scope=staff_scope(bappeda), activity=road, kelurahan=kelurahan,
                    geometry="1.44, 125.12", spbe=True, version=road.version)  # fmt: skip
    assert summary_drift() == []  # the services kept the cells
    pages = _pages()
    client = client_for(language="id")
    small = _counts(client, pages, django_assert_max_num_queries)
    _grow(15)
    assert Activity.objects.filter(level=Level.SUB_KEGIATAN).count() == 48
    large = _counts(client, pages, django_assert_max_num_queries)
    assert large == small
    # The grown plan is on the pages: 16 roads' money, and a second page of the evaluation table.
    body = client.get(pages["opd"]).content.decode()
    assert "Rp\u00a06.600.000.000" in body  # 16 × (312.500.000 + 100.000.000) spent in the roads program
    assert "halaman=2" in client.get(pages["lkjip"]).content.decode()
