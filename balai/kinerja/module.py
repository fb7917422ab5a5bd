"""What the planning module brings to the platform, registered in KinerjaConfig.ready() (balai.core.registry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import (
    Backlog,
    DatasetColumn,
    Evidence,
    Finding,
    GeneratedDataset,
    IntegrityCheck,
    Kpi,
    MenuEntry,
    Module,
    PeriodicCheck,
    ReadinessSource,
    SearchHit,
    SitePanel,
    WorkItem,
    WorkSection,
)

from .models import Dimension
from .roles import PERENCANA, ROLES, is_bappeda, officer_units, uses_kinerja

SEARCH_LIMIT = 20


def _latest_public_plan() -> Any:
    from .models import Plan

    return Plan.objects.filter(published=True).order_by("-year").first()


def work(request: Any, scope: StaffScope, now: datetime) -> WorkSection | None:
    """'My work': realisations to send (officer) and to check (Bappeda)."""
    if not uses_kinerja(scope):
        return None
    from .models import Realisation, RealisationStatus
    from .selectors import missing_by_unit, quarters_to_watch

    home = reverse("kinerja:staff_home")
    items = []
    if is_bappeda(scope):
        waiting = Realisation.objects.filter(status=RealisationStatus.SUBMITTED).count()
        items.append(WorkItem("kinerja.to_check", _("Realisations to check"), waiting, home, urgent=waiting > 0))
    units = officer_units(scope)
    if units:
        missing = 0
        overdue = False
        for watched in quarters_to_watch(now):
            count = sum(missing_by_unit(watched.plan, watched.quarter, sorted(units)).values())
            missing += count
            overdue = overdue or (count > 0 and watched.due < now)
        returned = Realisation.objects.filter(status=RealisationStatus.RETURNED, activity__unit_id__in=units).count()
        items.append(WorkItem("kinerja.missing", _("Sub kegiatan without realisation"), missing, home, urgent=overdue))
        items.append(
            WorkItem("kinerja.returned", _("Realisations returned by Bappeda"), returned, home, urgent=returned > 0)
        )
    return WorkSection(module="kinerja", title=_("Planning and performance"), items=items, order=30)


def backlog(unit_ids: list[int], now: datetime) -> dict[int, Backlog]:
    """Per OPD: sub kegiatan whose realisation of the watched quarter is not yet sent (overdue once due)."""
    from .selectors import missing_by_unit, quarters_to_watch

    result: dict[int, Backlog] = {}
    for watched in quarters_to_watch(now):
        late = watched.due < now
        for unit_id, count in missing_by_unit(watched.plan, watched.quarter, unit_ids).items():
            before = result.get(unit_id, Backlog())
            result[unit_id] = Backlog(
                open=before.open + count,
                new=before.new,
                overdue=before.overdue + (count if late else 0),
                oldest_due=watched.due if late else before.oldest_due,
            )
    return result


def periodic_reminders(now: datetime) -> dict[str, int]:
    from .selectors import reporting_status
    from .services import reminders_send

    late, soon = reporting_status(now)
    return reminders_send(now, late=late, soon=soon)


def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
    """Realisation of the latest published plan (accepted figures) and the OPD late with their realisation."""
    from .selectors import latest_quarter, reporting_status, rollup, total

    plan = _latest_public_plan()
    late = reporting_status(now)[0]
    if unit_ids is not None:
        late = {k: v for k, v in late.items() if k in unit_ids}
    figures: dict[Any, Any] = {}
    if plan is not None:
        quarter = latest_quarter(plan)
        keys = sorted(unit_ids) if unit_ids is not None else None
        figures = rollup(plan, quarter, Dimension.OPD, keys=keys)
    overall = total(figures)
    url = reverse("kinerja:home")
    return [
        Kpi(
            "kinerja.absorption",
            _("Plan budget realised"),
            float(overall.absorption) if overall.absorption is not None else None,
            "%",
            url,
        ),
        Kpi(
            "kinerja.achievement",
            _("Plan indicator achievement"),
            float(overall.achievement) if overall.achievement is not None else None,
            "%",
            url,
        ),
        Kpi("kinerja.late", _("OPD late with realisation"), len(late), url=reverse("kinerja:staff_home")),
    ]


def search(query: str, limit: int) -> list[SearchHit]:
    """Activities of published plans whose name or code matches."""
    from .models import Activity

    words = query.strip()
    if not words:
        return []
    qs = (
        Activity.objects.filter(plan__published=True)
        .filter(Q(name__icontains=words) | Q(code__istartswith=words))
        .select_related("unit", "plan")
        .order_by("-plan__year", "code")[: min(limit, SEARCH_LIMIT)]
    )
    return [
        SearchHit(
            title=a.name,
            url=reverse("kinerja:activity", args=[a.public_id]),
            summary=f"{a.code} · {a.unit} · {a.plan.year}",
            kind=_("Planned activity"),
        )
        for a in qs
    ]


def _plan_rows() -> Any:
    from .models import Activity, Level

    qs = Activity.objects.filter(plan__published=True, level=Level.SUB_KEGIATAN).select_related(
        "plan", "unit", "kelurahan"
    )
    for a in qs.order_by("plan__year", "unit__name", "code").iterator():
        yield [
            a.plan.year,
            a.unit.name,
            a.urusan,
            a.code,
            a.name,
            a.pagu,
            a.spbe,
            a.kelurahan.name if a.kelurahan else "",
        ]


def _realisation_rows() -> Any:
    from .models import Realisation, RealisationStatus

    qs = Realisation.objects.filter(activity__plan__published=True, status=RealisationStatus.ACCEPTED).select_related(
        "activity", "activity__plan", "activity__unit"
    )
    for r in qs.order_by("activity__plan__year", "activity__unit__name", "activity__code", "quarter").iterator():
        yield [
            r.activity.plan.year,
            r.quarter,
            r.activity.unit.name,
            r.activity.code,
            r.physical_pct,
            r.financial,
            r.achievement,
        ]


def datasets() -> list[GeneratedDataset]:
    return [
        GeneratedDataset(
            key="kinerja-rencana",
            title=_("Annual plan: sub kegiatan and budget ceilings"),
            description=_("Every sub kegiatan of the published annual plans, with its OPD, affair, code and pagu."),
            columns=(
                DatasetColumn("tahun", _("year"), type="integer"),
                DatasetColumn("opd", _("responsible OPD")),
                DatasetColumn("urusan", _("affair (urusan)")),
                DatasetColumn("kode", _("nomenclature code")),
                DatasetColumn("sub_kegiatan", _("sub kegiatan")),
                DatasetColumn("pagu", _("budget ceiling (Rp)"), type="number"),
                DatasetColumn("spbe", _("digital / SPBE spending"), type="boolean"),
                DatasetColumn("kelurahan", _("kelurahan of the physical work")),
            ),
            rows=_plan_rows,
            frequency="yearly",
            tags=("perencanaan", "anggaran"),
            source_url="/kinerja/",
        ),
        GeneratedDataset(
            key="kinerja-realisasi",
            title=_("Quarterly realisation of the plan"),
            description=_(
                "Cumulative physical progress, money spent and indicator achievement per sub kegiatan and quarter, as checked by Bappeda."
            ),
            columns=(
                DatasetColumn("tahun", _("year"), type="integer"),
                DatasetColumn("triwulan", _("quarter"), type="integer"),
                DatasetColumn("opd", _("responsible OPD")),
                DatasetColumn("kode", _("nomenclature code")),
                DatasetColumn("fisik_persen", _("physical progress (%)"), type="number"),
                DatasetColumn("realisasi_rp", _("financial realisation (Rp)"), type="number"),
                DatasetColumn(
                    "capaian_persen", _("achievement (%)"), _("Mean achievement of the indicators."), type="number"
                ),
            ),
            rows=_realisation_rows,
            frequency="quarterly",
            tags=("kinerja", "realisasi"),
            source_url="/kinerja/",
        ),
    ]


def evidence(now: datetime) -> list[Evidence]:
    """SPBE indicators 13 (integration of SPBE plan and budget), 32 (planning), 33 (budgeting), 40 (performance
    accountability): what the published plan and its realisation show, no more."""
    from .evaluation import share
    from .models import Activity, Level, Realisation, RealisationStatus
    from .selectors import latest_quarter, rollup, spbe_share, total

    plan = _latest_public_plan()
    if plan is None:
        return []
    per, spbe_total, all_total = spbe_share(plan)
    opd_with_spbe = sum(1 for s, _a in per.values() if s > 0)
    spbe_subs = Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN, spbe=True).count()
    url = reverse("kinerja:year", args=[plan.year])
    quarter = latest_quarter(plan)
    overall = total(rollup(plan, quarter, Dimension.OPD))
    accepted = Realisation.objects.filter(activity__plan=plan, status=RealisationStatus.ACCEPTED).count()
    rp = lambda v: f"Rp {int(v):,}".replace(",", ".")  # noqa: E731
    pct = lambda v: "–" if v is None else f"{v} %".replace(".", ",")  # noqa: E731
    return [
        Evidence(
            13,
            _("Integration of SPBE plans and budgets"),
            (
                (_("Sub kegiatan tagged as SPBE spending"), str(spbe_subs)),
                (_("SPBE budget ceiling"), rp(spbe_total)),
                (_("SPBE share of the budget"), pct(share(spbe_total, all_total))),
                (_("OPD with SPBE spending"), str(opd_with_spbe)),
            ),
            now,
            url,
        ),
        Evidence(
            32,
            _("Planning"),
            (
                (_("Year of the published plan"), str(plan.year)),
                (_("Sub kegiatan planned"), str(overall.subs)),
                (_("OPD with a plan"), str(len(per))),
            ),
            now,
            url,
        ),
        Evidence(
            33,
            _("Budgeting"),
            (
                (_("Budget ceiling"), rp(all_total)),
                (_("Realised (accepted by Bappeda)"), rp(overall.financial)),
                (_("Absorption"), pct(overall.absorption)),
            ),
            now,
            url,
        ),
        Evidence(
            40,
            _("Performance accountability of the organisation"),
            (
                (_("Quarterly realisations accepted"), str(accepted)),
                (_("Mean indicator achievement"), pct(overall.achievement)),
                (_("Latest quarter reported"), str(quarter or "–")),
            ),
            now,
            url,
        ),
    ]


def site_panels(unit: Any, now: datetime) -> list[SitePanel]:
    """An OPD's plan on its website: its budget, realisation and achievement this year."""
    from .selectors import latest_quarter, rollup, total

    plan = _latest_public_plan()
    if plan is None or unit is None:
        return []
    quarter = latest_quarter(plan)
    figures = rollup(plan, quarter, Dimension.OPD, keys=[unit.pk])
    if not figures:
        return []
    url = reverse("kinerja:opd", args=[plan.year, unit.slug])
    return [
        SitePanel(
            key="kinerja.plan",
            title=_("Plan and performance %(year)s") % {"year": plan.year},
            template="kinerja/_site_panel.html",
            context={"figures": total(figures), "quarter": quarter, "url": url},
            order=40,
            url=url,
        )
    ]


def summary_integrity(storage: Any, orphan_grace: Any) -> list[Finding]:
    """The summary cells against a recount of the plans (`balai kinerja summary rebuild` mends them)."""
    from .summary import summary_drift

    return [
        Finding("kinerja.summary", line.split(":", 1)[0], f"{line} (balai kinerja summary rebuild)")
        for line in summary_drift()
    ]


def demo(context: Any) -> None:
    from .demo import load

    load(context)


def bands_setup(actor: Any) -> list[str]:
    from .services import default_bands_create

    return default_bands_create(actor)


MODULE = Module(
    label="kinerja",
    name=_("Planning and performance"),
    roles=ROLES,
    staff_menu=(MenuEntry(_("Plan and realisation"), "kinerja:staff_home", order=30, visible=uses_kinerja),),
    public_menu=(MenuEntry(_("Plan & performance"), "kinerja:home", order=40),),
    work=work,
    periodic=(PeriodicCheck("kinerja.reminders", periodic_reminders),),
    readiness=ReadinessSource(
        role=PERENCANA,
        backlog=backlog,
        overdue_rule=_("Every sub kegiatan's realisation of the last quarter reaches Bappeda by its deadline."),
        overdue_remedy=_("Enter and send the missing realisation at Plan and realisation."),
    ),
    kpis=kpis,
    search=search,
    pemda_setup=bands_setup,
    datasets=datasets,
    evidence=evidence,
    site_panels=site_panels,
    demo=demo,
    integrity=(IntegrityCheck("kinerja.summary", summary_integrity),),
    demo_logins=(
        ("perencana.pupr", _("planning officer of Dinas PUPR: enters the quarterly realisation")),
        ("bappeda", _("Bappeda evaluator: imports the plan, checks realisation")),
    ),
)
