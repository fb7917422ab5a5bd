"""What the module brings to the platform: late OPD in readiness and KPIs, reminders sent once, datasets, SPBE
evidence, search, 'my work'; and the demo plan (idempotent, the size the issue asks)."""

from __future__ import annotations

import random
import time
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from balai.core.models import AuditEvent, Pemda, Unit
from balai.core.registry import DemoContext, registry
from balai.kinerja.models import Activity, Level, Plan, Realisation, RealisationStatus, ReminderSent
from balai.kinerja.selectors import quarter_due, reporting_status

from .conftest import DRAIN, ROAD, YEAR, report_and_accept

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def module() -> Any:
    found = registry.get("kinerja")
    assert found is not None
    return found


def test_the_quarter_deadline_counts_working_days_after_the_quarter(plan: Plan) -> None:
    # Quarter 1 2026 ends Tuesday 31 March; 1 April on are working days except Good Friday (3 April) and weekends.
    due = quarter_due(plan, 1).astimezone(WITA)
    assert due.date().isoformat() == "2026-04-15"  # 10 working days: 1, 2, 6, 7, 8, 9, 10, 13, 14, 15 April


def test_late_opd_show_in_readiness_kpis_and_get_one_reminder(
    plan: Plan, officer_pupr: Any, bappeda: Any, officer_dinkes: Any
) -> None:
    report_and_accept(officer_pupr, bappeda, ROAD, 1, "30", 100, "8")
    report_and_accept(officer_pupr, bappeda, DRAIN, 1, "30", 100, "4")
    after = datetime(2026, 4, 20, 9, tzinfo=WITA)  # quarter 1 due 15 April; Dinkes sent nothing
    late, soon = reporting_status(after)
    dinkes, pupr = Unit.objects.get(slug="dinkes"), Unit.objects.get(slug="dinas-pupr")
    assert set(late) == {dinkes.pk} and soon == {}
    backlog = module().readiness.backlog([dinkes.pk, pupr.pk], after)
    assert backlog[dinkes.pk].overdue == 1 and pupr.pk not in backlog
    kpis = {k.key: k.value for k in module().kpis(None, after)}
    assert kpis["kinerja.late"] == 1
    mail.outbox.clear()
    first = module().periodic[0].run(after)
    again = module().periodic[0].run(after)
    assert first == {"soon": 0, "late": 1} and again == {"soon": 0, "late": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["bappeda.t@pemda.example.id", "perencana.dinkes.t@pemda.example.id"]
    assert ReminderSent.objects.count() == 1
    assert AuditEvent.objects.filter(action="kinerja.reminder.late").count() == 1


def test_a_reminder_comes_before_the_deadline(plan: Plan, officer_dinkes: Any) -> None:
    before = datetime(2026, 4, 13, 9, tzinfo=WITA)  # two working days before 15 April
    late, soon = reporting_status(before)
    assert late == {} and Unit.objects.get(slug="dinkes").pk in soon


def test_kpis_datasets_evidence_and_search_read_the_published_plan(plan: Plan, officer_pupr: Any, bappeda: Any) -> None:
    report_and_accept(officer_pupr, bappeda, ROAD, 1, "30", 312_500_000, "8")
    now = datetime(2026, 4, 20, 9, tzinfo=WITA)
    kpis = {k.key: k.value for k in module().kpis(None, now)}
    # 312.500.000 of the pagu 2.050.000.000 = 15,2 %; achievement 80 %
    assert kpis["kinerja.absorption"] == pytest.approx(15.2)
    assert kpis["kinerja.achievement"] == pytest.approx(80.0)
    datasets = {d.key: list(d.rows()) for d in module().datasets()}
    assert len(datasets["kinerja-rencana"]) == 3
    assert datasets["kinerja-realisasi"] == [
        [
            YEAR,
            1,
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            ROAD,
            Decimal("30.00"),
            Decimal(312_500_000),
            Decimal("80.0"),
        ]
    ]
    evidence = {e.indicator: dict((str(k), v) for k, v in e.facts) for e in module().evidence(now)}
    assert set(evidence) == {13, 32, 33, 40}
    assert evidence[13]["SPBE share of the budget"] == "0,0 %"  # nothing tagged as SPBE spending
    assert evidence[33]["Budget ceiling"] == "Rp 2.050.000.000"
    hits = module().search("Rehabilitasi", 10)
    assert [h.title for h in hits] == ["Rehabilitasi Jalan Sudirman"]


def test_my_work_counts_what_waits_for_each_person(plan: Plan, officer_pupr: Any, bappeda: Any) -> None:
    from balai.core.access import staff_scope
    from balai.kinerja.services import RealisationInput, realisation_save

    from .conftest import sub

    road = sub(ROAD)
    realisation_save(actor=officer_pupr, scope=staff_scope(officer_pupr), activity=road, quarter=1,
                     data=RealisationInput(physical_pct=Decimal(1), financial=Decimal(1)), version=None, submit=True)  # fmt: skip
    after = datetime(2026, 4, 20, 9, tzinfo=WITA)
    bappeda_work = {i.key: i.count for i in module().work(None, staff_scope(bappeda), after).items}
    officer_work = {i.key: i.count for i in module().work(None, staff_scope(officer_pupr), after).items}
    assert bappeda_work == {"kinerja.to_check": 1}
    assert officer_work["kinerja.missing"] == 1  # the drain; the road is sent


def test_the_demo_plan_is_realistic_fast_and_added_once(city: Pemda) -> None:
    context = DemoContext(pemda=city, password="demo-balai-2026", rng=random.Random(7172))
    started = time.monotonic()
    module().demo(context)
    took = time.monotonic() - started
    subs = Activity.objects.filter(plan__year=YEAR, level=Level.SUB_KEGIATAN)
    assert 280 <= subs.count() <= 320
    assert subs.values("unit").distinct().count() == 13
    assert Plan.objects.get(year=YEAR + 1).published is False
    assert Realisation.objects.filter(
        activity__plan__year=YEAR - 1, quarter=4, status=RealisationStatus.ACCEPTED
    ).exists()
    assert subs.exclude(geometry="").count() >= 3
    failing = Realisation.objects.filter(activity__plan__year=YEAR, achievement__lt=51).count()
    assert failing > 0
    now = datetime(2026, 12, 5, 9, tzinfo=WITA)
    late = reporting_status(now)[0]
    assert {Unit.objects.get(pk=pk).slug for pk in late} == {"dinsos", "bpbd", "satpol-pp"}
    counts = Activity.objects.count(), Realisation.objects.count()
    module().demo(context)
    assert (Activity.objects.count(), Realisation.objects.count()) == counts
    assert took < 60  # a few seconds on a quiet machine; generous for a shared, loaded one
