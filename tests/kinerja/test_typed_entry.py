"""Typed entry of the plan's rows on the staff screens (for what no file holds): through the same service as the
import's checks, audited, the version checked, the summary cells kept; an officer for their own OPD only; a bad
value keeps what was typed and saves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from balai.core.models import AuditEvent, Unit, Wilayah, WilayahLevel
from balai.kinerja.models import Activity, Indicator, Level, Plan
from balai.kinerja.summary import summary_drift

from .conftest import ROAD, YEAR, client_for, sub

pytestmark = pytest.mark.django_db


def _fields(unit: Unit, **more: Any) -> dict[str, Any]:
    return {"code": "", "name": "", "unit": unit.pk, "urusan": "", "indicator": "", "indicator_unit": "",
            "indicator_target": "", "indicator_direction": "higher", **more}  # fmt: skip


def test_bappeda_types_a_program_kegiatan_and_sub_kegiatan_that_the_public_sees(plan: Plan, bappeda: Any) -> None:
    client = client_for(bappeda)
    pupr = Unit.objects.get(slug="dinas-pupr")
    made = client.post(f"/staf/kinerja/rencana/{YEAR}/baru/",
                       _fields(pupr, code="1.03.09", name="Program Penerangan Jalan"))  # fmt: skip
    assert made.status_code == 302
    program = Activity.objects.get(code="1.03.09")
    assert program.level == Level.PROGRAM and program.program == program
    client.post(f"/staf/kinerja/rencana/{YEAR}/baru/?induk={program.public_id}",
                _fields(pupr, code="1.03.09.2.01", name="Pemasangan Lampu Jalan"))  # fmt: skip
    kegiatan = Activity.objects.get(code="1.03.09.2.01")
    assert kegiatan.level == Level.KEGIATAN and kegiatan.parent == program and kegiatan.program == program
    kelurahan = Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN).order_by("code").first()
    assert kelurahan is not None
    sent = client.post(
        f"/staf/kinerja/rencana/{YEAR}/baru/?induk={kegiatan.public_id}",
        _fields(pupr, code="1.03.09.2.01.0001", name="Lampu Jalan Tenaga Surya Girian", pagu="750000000",
                kelurahan=kelurahan.pk, geometry="1.44, 125.13", spbe="on", indicator="Titik lampu terpasang",
                indicator_unit="Titik", indicator_target="120"),
    )  # fmt: skip
    assert sent.status_code == 302
    lamp = Activity.objects.get(code="1.03.09.2.01.0001")
    assert (lamp.level, lamp.parent, lamp.program, lamp.pagu, lamp.spbe) == (
        Level.SUB_KEGIATAN, kegiatan, program, 750_000_000, True,
    )  # fmt: skip
    assert '"Point"' in lamp.geometry
    assert Indicator.objects.get(activity=lamp).target == 120
    assert AuditEvent.objects.filter(action="kinerja.activity.create").count() == 3
    assert summary_drift() == []
    body = client_for(language="id").get(f"/kinerja/{YEAR}/opd/dinas-pupr/").content.decode()
    assert "Program Penerangan Jalan" in body and "Rp\u00a0750.000.000" in body

    # A change: the version seen is checked, the cells follow the new pagu.
    page = client.get(f"/staf/kinerja/kegiatan/{lamp.public_id}/ubah/").content.decode()
    assert "Lampu Jalan Tenaga Surya Girian" in page
    changed = _fields(pupr, code=lamp.code, name=lamp.name, pagu="800000000", indicator="Titik lampu terpasang",
                      indicator_unit="Titik", indicator_target="150", version=lamp.version)  # fmt: skip
    assert client.post(f"/staf/kinerja/kegiatan/{lamp.public_id}/ubah/", changed).status_code == 302
    stale = client.post(f"/staf/kinerja/kegiatan/{lamp.public_id}/ubah/", changed | {"pagu": "1"})
    assert "Someone changed this in the meantime" in stale.content.decode()
    lamp.refresh_from_db()
    assert lamp.pagu == 800_000_000 and lamp.kelurahan is None
    assert Indicator.objects.get(activity=lamp).target == 150
    assert summary_drift() == []


def test_an_officer_types_only_for_their_own_opd_and_a_bad_value_keeps_what_was_typed(
    plan: Plan, officer_pupr: Any, officer_dinkes: Any
) -> None:
    road = sub(ROAD)
    assert road.parent is not None
    pupr = Unit.objects.get(slug="dinas-pupr")
    dinkes = client_for(officer_dinkes)
    assert dinkes.get(f"/staf/kinerja/rencana/{YEAR}/baru/?induk={road.parent.public_id}").status_code == 404
    assert dinkes.get(f"/staf/kinerja/kegiatan/{road.public_id}/ubah/").status_code == 404
    refused = dinkes.post(f"/staf/kinerja/rencana/{YEAR}/baru/", _fields(pupr, code="1.03.77", name="Program Lain"))
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert not Activity.objects.filter(code="1.03.77").exists()

    own = client_for(officer_pupr)
    twice = own.post(
        f"/staf/kinerja/rencana/{YEAR}/baru/?induk={road.parent.public_id}",
        _fields(pupr, code=ROAD, name="Jalan Lingkar Aertembaga", pagu="-5", indicator="Panjang jalan"),
    )
    body = twice.content.decode()
    assert twice.status_code == 200
    assert "Jalan Lingkar Aertembaga" in body  # what was typed is kept
    assert Activity.objects.filter(code=ROAD).count() == 1 and not Activity.objects.filter(name__contains="Lingkar")
    fixed = own.post(
        f"/staf/kinerja/rencana/{YEAR}/baru/?induk={road.parent.public_id}",
        _fields(pupr, code="1.03.02.2.01.0009", name="Jalan Lingkar Aertembaga", pagu="5", indicator="Panjang jalan"),
    )
    assert "s annual target." in fixed.content.decode()  # "Give the indicator's annual target."
    assert not Activity.objects.filter(code="1.03.02.2.01.0009").exists()
