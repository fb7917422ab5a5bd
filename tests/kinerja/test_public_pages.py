"""What the public reads: only published years and realisation accepted by Bappeda, in Indonesian numbers, with
downloads of every table; and nothing private (the public-output privacy walk)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from balai.core.access import staff_scope
from balai.core.registry import registry
from balai.kinerja.models import Activity, Level, Plan
from balai.kinerja.services import RealisationInput, plan_import, realisation_return, realisation_save
from tests.pdf_text import pdf_text

from .conftest import DRAIN, IMMUNISATION, ROAD, YEAR, client_for, report_and_accept, row, sub

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(plan: Plan, officer_pupr: Any, officer_dinkes: Any, bappeda: Any) -> Plan:
    """Quarter 1 accepted for the road (8 of 10 km: 80 %) and the drain (5 days for a target of 4: 75 %);
    quarter 2 of the road only sent (not public); immunisation returned with Bappeda's internal note."""
    report_and_accept(officer_pupr, bappeda, ROAD, 1, "30", 312_500_000, "8", obstacles="Cuaca ekstrem")
    report_and_accept(officer_pupr, bappeda, DRAIN, 1, "20", 100_000_000, "5")
    road = sub(ROAD)
    realisation_save(
        actor=officer_pupr, scope=staff_scope(officer_pupr), activity=road, quarter=2,
        data=RealisationInput(physical_pct=Decimal("99"), financial=Decimal(999_000_000), values={}), version=None, submit=True,
    )  # fmt: skip
    immunisation = sub(IMMUNISATION)
    sent = realisation_save(
        actor=officer_dinkes, scope=staff_scope(officer_dinkes), activity=immunisation, quarter=1,
        data=RealisationInput(physical_pct=Decimal("10"), financial=Decimal(1000), values={}), version=None, submit=True,
    )  # fmt: skip
    realisation_return(
        actor=bappeda,
        scope=staff_scope(bappeda),
        realisation=sent,
        version=sent.version,
        note="RAHASIA-CATATAN-INTERNAL",
    )
    # A draft plan for next year, never public.
    plan_import(
        actor=bappeda,
        scope=staff_scope(bappeda),
        year=YEAR + 1,
        rows=[row(2, "dinas-pupr", "9.99", "DRAF-TIDAK-TERBIT", 1, "X", "1")],
        problems=[],
    )
    return plan


def test_the_year_page_shows_accepted_figures_in_indonesian(reported: Plan) -> None:
    body = client_for(language="id").get(f"/kinerja/{YEAR}/").content.decode()
    # PUPR: pagu 1.750.000.000, spent 412.500.000 (quarter 1 accepted); achievement (80 + 75) ÷ 2 = 77,5 %
    assert "Rp\u00a01.750.000.000" in body
    assert "Rp\u00a0412.500.000" in body
    assert "77,5\u00a0%" in body
    assert "Rp\u00a0999.000.000" not in body  # quarter 2 was only sent, not accepted


def test_the_activity_page_has_progress_timeline_and_no_unchecked_update(reported: Plan) -> None:
    road = sub(ROAD)
    body = client_for().get(f"/kinerja/kegiatan/{road.public_id}/").content.decode()
    assert '<progress id="physical" max="100" value="30">' in body
    assert "Quarter 1 2026" in body and "Cuaca ekstrem" in body
    assert "Quarter 2 2026" not in body
    assert "80.0" in body or "80,0" in body


def test_unpublished_years_and_their_activities_are_not_found(reported: Plan) -> None:
    client = client_for()
    assert client.get(f"/kinerja/{YEAR + 1}/").status_code == 404
    draft = Activity.objects.get(code="9.99", plan__year=YEAR + 1, level=Level.SUB_KEGIATAN)
    assert client.get(f"/kinerja/kegiatan/{draft.public_id}/").status_code == 404
    assert client.get(f"/kinerja/{YEAR + 1}/lkjip/dinas-pupr/").status_code == 404
    module = registry.get("kinerja")
    assert module is not None and module.search is not None
    assert module.search("DRAF-TIDAK-TERBIT", 10) == []


def test_every_table_downloads_as_csv_and_xlsx_and_lkjip_as_pdf(reported: Plan) -> None:
    client = client_for()
    for path in (f"/kinerja/{YEAR}/", f"/kinerja/{YEAR}/opd/dinas-pupr/", f"/kinerja/{YEAR}/urusan/",
                 f"/kinerja/{YEAR}/wilayah/", f"/kinerja/{YEAR}/lkjip/dinas-pupr/"):  # fmt: skip
        csv = client.get(path + "?format=csv")
        assert csv["Content-Type"].startswith("text/csv"), path
        xlsx = client.get(path + "?format=xlsx")
        assert load_workbook(io.BytesIO(xlsx.content)).active is not None, path
    lkjip = client.get(f"/kinerja/{YEAR}/lkjip/dinas-pupr/?format=csv&triwulan=1").content.decode()
    assert "Panjang jalan" in lkjip and ",10,8,80,Baik" in lkjip.replace(".0,", ",")
    assert "Hari genangan" in lkjip and ",4,5,75,Cukup" in lkjip.replace(".0,", ",")
    pdf = client.get(f"/kinerja/{YEAR}/lkjip/dinas-pupr/?format=pdf&triwulan=1")
    assert pdf.content.startswith(b"%PDF-")
    printed = " ".join(pdf_text(pdf.content).split())
    assert "Panjang jalan" in printed and "Hari genangan" in printed and "Baik" in printed


def _public_outputs(client: Any) -> list[str]:
    road, program = sub(ROAD), sub(ROAD).program
    assert program is not None
    paths = [f"/kinerja/{YEAR}/", f"/kinerja/{YEAR}/opd/dinas-pupr/", f"/kinerja/{YEAR}/opd/dinkes/", f"/kinerja/{YEAR}/urusan/",
             f"/kinerja/{YEAR}/wilayah/", f"/kinerja/{YEAR}/lkjip/dinas-pupr/", f"/kinerja/{YEAR}/lkjip/dinkes/",
             f"/kinerja/kegiatan/{road.public_id}/", f"/kinerja/kegiatan/{program.public_id}/",
             f"/kinerja/kegiatan/{sub(IMMUNISATION).public_id}/"]  # fmt: skip
    outputs = []
    for path in paths:
        for suffix in ("",) if "/kegiatan/" in path else ("", "?format=csv", "?format=xlsx"):
            response = client.get(path + suffix)
            assert response.status_code == 200, path + suffix
            content = response.content
            if suffix == "?format=xlsx":
                book = load_workbook(io.BytesIO(content))
                content = "\n".join(
                    str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r
                ).encode()
            outputs.append(content.decode())
    module = registry.get("kinerja")
    assert module is not None and module.datasets is not None
    for dataset in module.datasets():
        outputs.append("\n".join(str(r) for r in dataset.rows()))
    assert module.search is not None
    outputs.append(str(module.search("Jalan", 20)))
    return outputs


def test_no_public_output_carries_private_data(
    reported: Plan, officer_pupr: Any, officer_dinkes: Any, bappeda: Any
) -> None:
    private = [officer_pupr.username, officer_pupr.email, officer_dinkes.email, bappeda.username, bappeda.email,
               "RAHASIA-CATATAN-INTERNAL", "DRAF-TIDAK-TERBIT", "999.000.000", "999000000"]  # fmt: skip
    for output in _public_outputs(client_for()):
        for secret in private:
            assert secret not in output
