"""Readiness of the kelurahan and desa (no lurah account / report missing / report late / ready) on the desa page
and, through the registry, on the command center; and desa's section of the mayor's monthly PDF with the month's
sent / late / missing per kecamatan and the summed figures."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.core.selectors import pemda_current
from balai.core.services import membership_grant
from balai.dasbor.monthly_report import monthly_report_data
from balai.dasbor.report_pdf import build_monthly_pdf
from balai.desa import rules
from balai.desa.selectors import ReadinessState, unit_readiness
from balai.desa.services import submission_save, values_clean

from .conftest import FULL, Cast, _user

WITA = ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2026, 4, 20, 9, tzinfo=WITA)  # January to March have ended; March was due on 8 April
pytestmark = pytest.mark.django_db


def _send(cast: Cast, unit: Unit, user, period_key: str, at: dt.datetime, **values: str) -> None:
    cleaned, _ = values_clean(cast.report_type, {**FULL, **values})
    with time_machine.travel(at, tick=False):
        submission_save(
            actor=user, actors=rules.submission_actors(staff_scope(user), unit), unit=unit,
            report_type=cast.report_type, period_key=period_key, values=cleaned, send=True,
        )  # fmt: skip


@pytest.fixture
def history(cast: Cast) -> Unit:
    """kel_a sent January to March on time; kel_c sent January and February on time and March late (10 April);
    kel_b has no lurah account; kel_d (kecamatan 1) has a lurah who sent nothing."""
    for key, day in (
        ("2026-01", dt.datetime(2026, 2, 2, 9, tzinfo=WITA)),
        ("2026-02", dt.datetime(2026, 3, 2, 9, tzinfo=WITA)),
    ):
        _send(cast, cast.kel_a, cast.lurah_a, key, day)
        _send(cast, cast.kel_c, cast.lurah_c, key, day)
    _send(cast, cast.kel_a, cast.lurah_a, "2026-03", dt.datetime(2026, 4, 2, 9, tzinfo=WITA), lahir="7")
    _send(cast, cast.kel_c, cast.lurah_c, "2026-03", dt.datetime(2026, 4, 10, 9, tzinfo=WITA), lahir="5")
    kel_d = (
        Unit.objects.filter(parent=cast.kec_1)
        .exclude(pk__in=[cast.kel_a.pk, cast.kel_b.pk])
        .order_by("wilayah_id")
        .first()
    )
    membership_grant(actor=None, user=_user("lurah_d"), unit=kel_d, role=rules.Role.LURAH, module="desa")
    return kel_d


def test_each_unit_gets_its_state_and_reason(cast: Cast, history: Unit) -> None:
    with translation.override("en"):
        found = {r.unit.pk: r for r in unit_readiness(None, NOW)}
        assert found[cast.kel_a.pk].state == ReadinessState.READY and found[cast.kel_a.pk].reason == ""
        assert found[cast.kel_c.pk].state == ReadinessState.LATE
        assert found[cast.kel_c.pk].reason == "Sent after the deadline: March 2026."
        assert found[history.pk].state == ReadinessState.MISSING
        assert found[history.pk].reason == "Not sent by the deadline: January 2026, February 2026, March 2026."
        assert found[cast.kel_b.pk].state == ReadinessState.NO_LURAH  # and its reports are missing too
        assert (
            "No active lurah" in found[cast.kel_b.pk].reason
            and "Not sent by the deadline: January" in found[cast.kel_b.pk].reason
        )
        ordered = [r.state for r in unit_readiness(None, NOW)]
        assert ordered == sorted(ordered, key=list(ReadinessState).index)  # not-ready first, worst first
        # A camat's reach: the kecamatan and the units under it only.
        assert {r.unit.parent_id for r in unit_readiness([cast.kec_1.pk], NOW)} == {cast.kec_1.pk}


def test_the_office_sees_every_unit_a_camat_their_kecamatan_and_an_outsider_nothing(
    client, cast: Cast, history: Unit
) -> None:
    url = reverse("desa:readiness")
    with time_machine.travel(NOW, tick=False):
        client.force_login(cast.camat_1)
        page = client.get(url).content.decode()
        assert cast.kel_a.name in page and history.name in page and cast.kel_b.name in page
        assert cast.kel_c.name not in page
        late_row = '<span class="rd rd-terlambat">laporan terlambat</span></td>'
        assert late_row not in page  # kecamatan 1 has no late report: kel_c is another's
        client.force_login(cast.office)
        page = client.get(url).content.decode()
        assert cast.kel_c.name in page and late_row in page and "tanpa akun lurah</span></td>" in page
        client.force_login(cast.member_a)  # staff, but reads no village report
        assert client.get(url).status_code == 404


def test_the_command_center_shows_the_not_ready_units_through_the_registry(
    client, coordinator, cast: Cast, history: Unit
) -> None:
    client.force_login(coordinator)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("dasbor:overview")).content.decode()
    section = page[page.index('id="units-desa"') : page.index("</section>", page.index('id="units-desa"'))]
    total = len(unit_readiness(None, NOW))
    assert f"1 dari {total} unit siap" in section
    assert history.name in section and cast.kel_b.name in section and cast.kel_c.name in section
    assert f">{cast.kel_a.name}<" not in section  # ready: not listed
    assert f'href="/staf/desa/kesiapan/#u-{history.slug}"' in section


def test_the_monthly_pdf_has_the_month_per_kecamatan_with_the_summed_figures(cast: Cast, history: Unit) -> None:
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        data = monthly_report_data(month=dt.date(2026, 3, 1), unit=None)
        pdf = build_monthly_pdf(
            pemda=pemda_current(), month=dt.date(2026, 3, 1), kpis=data.kpis, tables=data.tables, charts=[]
        )
    tables = {t.slug: t for t in data.tables}
    sent = tables["desa-laporan-bulanan-2026-03-kirim"]
    k1 = Unit.objects.filter(parent=cast.kec_1, kind__in=["kelurahan", "desa"], is_active=True).count()
    rows = {row["c0"]: [row[f"c{i}"] for i in range(1, 6)] for row in sent.rows}
    assert rows[cast.kec_1.name] == [k1, 1, 0, k1 - 1, 0]  # kel_a on time; the others missing
    assert rows[cast.kec_2.name][1:3] == [0, 1]  # kel_c late
    units = Unit.objects.filter(kind__in=["kelurahan", "desa"], is_active=True).count()
    assert rows["Total"] == [units, 1, 1, units - 2, 0]
    figures = {row["c0"]: row for row in tables["desa-laporan-bulanan-2026-03-angka"].rows}
    assert (figures[cast.kec_1.name]["c1"], figures[cast.kec_1.name]["c2"]) == (1, 7)  # one report, 7 births
    assert (figures["Total"]["c1"], figures["Total"]["c2"], figures["Total"]["c3"]) == (2, 12, 2)
    # February's report ended before March: it is not in March's PDF.
    assert "desa-laporan-bulanan-2026-02-kirim" not in tables
    text = " ".join(
        PdfReader(io.BytesIO(pdf)).pages[i].extract_text() for i in range(len(PdfReader(io.BytesIO(pdf)).pages))
    )
    assert "Laporan bulanan kelurahan/desa, March 2026: sent per kecamatan" in text
    assert "figures per kecamatan" in text
    assert f"Total {units} 1 1 {units - 2} 0" in " ".join(text.split())
    assert "Total 2 12 2" in " ".join(text.split())


def test_spbe_evidence_counts_the_reports_their_channel_review_and_the_kim_relays(cast: Cast, history: Unit) -> None:
    from balai.core.registry import registry
    from balai.desa.models import Submission
    from balai.desa.services import kim_relay, submission_review
    from balai.lapor.selectors import categories_active

    march_a = Submission.objects.get(unit=cast.kel_a, period_key="2026-03")
    submission_review(
        actor=cast.camat_1, actors=rules.submission_actors(staff_scope(cast.camat_1), cast.kel_a),
        submission=march_a, accept=True, now=dt.datetime(2026, 4, 3, 9, tzinfo=WITA),
    )  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 4, 15, 9, tzinfo=WITA), tick=False):
        kim_relay(
            actor=cast.member_a, actors={rules.Actor.SENDER}, kim=cast.kim_a, category_id=categories_active().first().pk,
            title="Lampu jalan mati", description="Sudah seminggu di lingkungan 3.",
        )  # fmt: skip
    with translation.override("en"):
        found = {e.indicator: e for m, e in registry.evidence(NOW) if m.label == "desa"}
        assert set(found) == {14, 42}
        village = dict((str(what), value) for what, value in found[14].facts)
        units = Unit.objects.filter(kind__in=["kelurahan", "desa"], is_active=True).count()
        assert village["Kelurahan/desa that must report"] == str(units)
        assert village["Reports received in the last 3 periods"] == "6"  # kel_a and kel_c, January to March
        assert (village["of them by email"], village["of them reviewed by the camat"]) == ("0", "1")
        assert village["Units ready (last 3 periods)"] == f"1 of {units}"
        assert found[14].url == "/staf/desa/kesiapan/" and found[14].as_of == NOW
        kim = dict((str(what), value) for what, value in found[42].facts)
        assert kim["KIM registered"] == "2"
        assert kim["KIM active (posted or reported in the last 3 months)"] == "1"  # the relaying KIM
        assert kim["Problems relayed to the complaint service in the last 3 months"] == "1"
        assert found[42].url == "/kim/"
