"""A sixth module joins through the registry alone: its role, menu entry, work on the staff home, periodic check,
integrity check and readiness column appear without a line of the platform changing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.core.registry import (
    ORPHAN_FILE,
    Backlog,
    Finding,
    IntegrityCheck,
    MenuEntry,
    Module,
    ModuleRole,
    PeriodicCheck,
    ReadinessSource,
    WorkItem,
    WorkSection,
    registry,
)
from balai.core.services import MembershipError, membership_grant
from balai.dasbor.readiness import opd_readiness
from balai.platform.tasks import periodic_enqueue
from tests.lapor.backoffice.steps import client_for
from tests.periodic import run_queued

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_on_arrival")]

RAN: list[datetime] = []


def _work(request: Any, scope: Any, now: datetime) -> WorkSection | None:
    if not scope.has("contoh", "editor"):
        return None
    return WorkSection(
        module="contoh",
        title="Situs contoh",
        items=[WorkItem("drafts", "draft pages to review", 3, "/staf/", urgent=True)],
    )


def _integrity(storage: Any, grace: Any) -> list[Finding]:
    return [Finding("contoh-orphan", "contoh/1", "page 1 has no author")]


def _backlog(unit_ids: list[int], now: datetime) -> dict[int, Backlog]:
    return {unit_id: Backlog(open=2, overdue=1, oldest_due=now) for unit_id in unit_ids}


EXAMPLE = Module(
    label="contoh",
    name="Situs contoh",
    roles=(ModuleRole("editor", "editor", "Keeps the unit's pages current.", operates=True),),
    staff_menu=(MenuEntry("Pages", "platform:staff_home", order=15, visible=lambda s: s.has("contoh", "editor")),),
    public_menu=(MenuEntry("Our pages", "lapor:list", order=50),),
    work=_work,
    periodic=(PeriodicCheck("contoh.tick", lambda now: RAN.append(now) or {"ticked": 1}),),
    integrity=(IntegrityCheck("contoh.pages", _integrity),),
    readiness=ReadinessSource(role="editor", backlog=_backlog),
    backup_rebuilt=("dasbor.exportjob",),
)


@pytest.fixture
def example_module() -> Any:
    registry.register(EXAMPLE)
    yield EXAMPLE
    registry.unregister("contoh")


def test_every_module_of_the_platform_registers_itself():
    assert [m.label for m in registry.modules()] == [
        "lapor", "spbe", "desa", "kinerja", "situs", "data", "ppid", "api", "dasbor", "platform",
    ]  # fmt: skip


def test_a_role_no_module_declares_is_refused(city, operator_dinkes):
    with pytest.raises(MembershipError):
        membership_grant(actor=None, user=operator_dinkes, unit=Unit.objects.get(slug="dinas-pupr"), role="editor",
                         module="contoh")  # fmt: skip


def test_a_new_module_s_role_menu_and_work_reach_its_people_and_nobody_else(city, example_module, operator_dinkes,
                                                                            operator_pupr):  # fmt: skip
    membership_grant(actor=None, user=operator_dinkes, unit=Unit.objects.get(slug="dinkes"), role="editor",
                     module="contoh")  # fmt: skip
    assert staff_scope(operator_dinkes).has("contoh", "editor")

    page = client_for(operator_dinkes).get("/staf/").content.decode()
    other = client_for(operator_pupr).get("/staf/").content.decode()

    assert "draft pages to review" in page and ">Pages<" in page
    assert "draft pages to review" not in other and ">Pages<" not in other
    # The reporting module's own work is still there for the operator of reports.
    assert "Citizen reports" in page or "in progress" in page
    assert "Our pages" in client_for().get("/").content.decode()


def test_the_worker_queues_and_runs_a_new_module_s_periodic_check(city, example_module):
    RAN.clear()

    assert "contoh.tick" in periodic_enqueue()
    run_queued()

    assert len(RAN) == 1


def test_balai_integrity_reports_a_new_module_s_findings(city, example_module):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("integrity", stdout=out)
    assert exit_status.value.code == 1
    assert "contoh-orphan: page 1 has no author" in out.getvalue()
    assert ORPHAN_FILE != "contoh-orphan"  # --fix-orphans leaves a module's own findings alone


def test_readiness_has_a_column_for_the_new_module_and_counts_its_operators_and_backlog(city, example_module,
                                                                                      operator_dinkes):  # fmt: skip
    dinkes = Unit.objects.get(slug="dinkes")
    membership_grant(actor=None, user=operator_dinkes, unit=dinkes, role="editor", module="contoh")

    (opd,) = opd_readiness(unit_ids=[dinkes.pk], now=timezone.now()).opds

    columns = {m.label: m for m in opd.modules}
    assert {"lapor", "contoh"} <= set(columns)  # and the joining modules' own columns
    assert columns["contoh"].operators == 1
    assert columns["contoh"].backlog.overdue == 1
    assert opd.overdue >= 1  # the OPD's late work counts every module's


def test_a_backup_leaves_out_what_a_module_says_it_rebuilds(city, example_module):
    from balai.platform.backup import backed_up_models

    labels = {model._meta.label_lower for model in backed_up_models()}

    assert "dasbor.exportjob" not in labels
    assert {"lapor.report", "lapor.reportevent", "core.membership"} <= labels


def test_without_the_module_the_same_model_is_backed_up(city):
    from balai.platform.backup import backed_up_models

    assert "dasbor.exportjob" in {model._meta.label_lower for model in backed_up_models()}


def test_the_public_search_of_every_module_finds_public_reports_and_never_a_confidential_one(city, coordinator):
    from balai.lapor import services
    from tests.factories import make_report
    from tests.lapor.backoffice import steps

    public = steps.verified(make_report(title="Lampu jalan padam di Girian"), coordinator)
    secret = steps.verified(make_report(title="Lampu jalan padam di Madidir"), coordinator, is_confidential=True)
    services.report_add_note(report=secret, actor=coordinator, version=None, text="rahasia", public=False)

    hits = dict((module.label, found) for module, found in registry.search("lampu padam", 10))

    assert [hit.url for hit in hits["lapor"]] == [f"/laporan/{public.code}/"]


def test_the_reporting_module_s_figures_for_an_opd_come_through_the_registry(city, coordinator, time_machine):
    from tests.factories import make_report
    from tests.lapor.backoffice import steps

    pupr = Unit.objects.get(slug="dinas-pupr")
    steps.dispatched(make_report(), coordinator)
    steps.dispatched(make_report(), coordinator, lead="dinkes")
    lapor = registry.get("lapor")
    assert lapor is not None and lapor.kpis is not None

    figures = {kpi.key: kpi.value for kpi in lapor.kpis(frozenset({pupr.pk}), timezone.now())}
    later = {kpi.key: kpi.value for kpi in lapor.kpis(None, timezone.now() + timedelta(days=60))}

    handling = ("lapor.open", "lapor.overdue")  # the 12-month complaint figures: tests/lapor/test_complaint_figures.py
    assert {k: figures[k] for k in handling} == {"lapor.open": 1, "lapor.overdue": 0}
    assert {k: later[k] for k in handling} == {"lapor.open": 2, "lapor.overdue": 2}
