"""What the SPBE self-assessment brings to the platform, registered in SpbeConfig.ready() (balai.core.registry)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import DemoContext, Evidence, Kpi, MenuEntry, Module, ModuleRole, WorkItem, WorkSection

from . import rules
from .models import Status

COMPETENCE_INDICATOR = 25  # Tingkat Kematangan Penerapan Kompetensi Sumber Daya Manusia
DEMO_COORDINATOR = "koordinator.spbe"
DEMO_OFFICER = "petugas.spbe"


def work(request: Any, scope: StaffScope, now: datetime) -> WorkSection | None:
    """'My work': the officer's indicators to fill (draft or returned), the coordinator's to review."""
    from .models import Assessment
    from .selectors import framework_latest

    coordinator, officer = rules.is_coordinator(scope), rules.is_officer(scope)
    if not (coordinator or officer):
        return None
    framework = framework_latest()
    if framework is None:
        return None
    base = reverse("spbe:overview", args=[framework.year])
    mine = Assessment.objects.filter(indicator__framework=framework)
    counts = mine.aggregate(
        fill=Count("id", filter=Q(officer_id=scope.user_id, status__in=[Status.DRAFT, Status.RETURNED])),
        returned=Count("id", filter=Q(officer_id=scope.user_id, status=Status.RETURNED)),
        review=Count("id", filter=Q(status=Status.SUBMITTED)),
    )
    items = []
    if officer:
        items.append(WorkItem("spbe.fill", _("My SPBE indicators to fill"), counts["fill"], f"{base}?saya=1"))
        if counts["returned"]:
            items.append(
                WorkItem(
                    "spbe.returned",
                    _("Returned to me for changes"),
                    counts["returned"],
                    f"{base}?saya=1&status=returned",
                    urgent=True,
                )
            )
    if coordinator:
        items.append(
            WorkItem("spbe.review", _("SPBE indicators to review"), counts["review"], f"{base}?status=submitted")
        )
    return WorkSection(module="spbe", title=_("SPBE self-assessment"), items=items, order=60)


def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
    """The index, its predicate and the share reviewed, for the whole Pemda (an OPD has no index of its own)."""
    if unit_ids is not None:
        return []
    from .scoring import PREDICATES
    from .selectors import framework_latest, overview

    framework = framework_latest()
    if framework is None:
        return []
    view = overview(framework)
    url = reverse("spbe:overview", args=[framework.year])
    index = float(view.result.index) if view.result.index is not None else None
    label = _("SPBE index %(year)d (self-assessment)") % {"year": framework.year}
    if view.predicate:
        label = f"{label} · {PREDICATES[view.predicate]}"
    return [
        Kpi("spbe.index", label, index, url=url),
        Kpi("spbe.assessed", _("SPBE indicators reviewed"), float(view.result.share_assessed), unit="%", url=url),
    ]


def competence_evidence(now: datetime) -> list[Evidence]:
    """Indicator 25: the staff's recorded trainings (core's TrainingRecord) in the last twelve months."""
    from balai.core.models import Membership, TrainingKind, TrainingRecord
    from balai.core.selectors import work_calendar

    # Training dates are the Pemda's calendar days: today is the Pemda's today, not UTC's.
    today = work_calendar().local_date(now)
    records = TrainingRecord.objects.filter(date__gt=today - timedelta(days=365), date__lte=today)
    by_kind = dict(records.order_by().values_list("kind").annotate(n=Count("id")))
    staff = set(Membership.objects.filter(is_active=True, user__is_active=True).values_list("user_id", flat=True))
    trained = set(records.exclude(kind=TrainingKind.GUIDE).values_list("user_id", flat=True)) & staff
    guide = set(records.filter(kind=TrainingKind.GUIDE).values_list("user_id", flat=True)) & staff

    def n(value: int) -> str:
        return number_format(value, force_grouping=True)

    facts = (
        *((label, n(by_kind.get(kind, 0))) for kind, label in TrainingKind.choices),
        (_("Staff with a role in Balai"), n(len(staff))),
        (_("Of them, trained (Bimtek, Diklat or other) in 12 months"), n(len(trained))),
        (_("Of them, confirmed the in-app guide"), n(len(guide))),
    )
    return [
        Evidence(
            indicator=COMPETENCE_INDICATOR,
            title=_("Training records of the staff (last 12 months)"),
            facts=facts,
            as_of=now,
            url=reverse("admin:core_trainingrecord_changelist"),
        )
    ]


def setup(actor: Any) -> list[str]:
    from .services import framework_ensure

    year = timezone.localdate().year
    _framework, created = framework_ensure(actor=actor, year=year)
    if created:
        return [str(_("SPBE: the %(year)d framework (PermenPANRB 59/2020, 47 indicators) is ready.") % {"year": year})]
    return []


def demo(context: DemoContext) -> None:
    from .demo import load

    load(context)


def _reads_spbe(scope: StaffScope) -> bool:
    return rules.admitted(scope)


MODULE = Module(
    label="spbe",
    name=_("SPBE self-assessment"),
    roles=(
        ModuleRole(
            rules.COORDINATOR_ROLE,
            _("SPBE coordinator"),
            _("Assigns the indicators to officers, reviews their levels and evidence, prepares the dossier."),
            pemda_wide=True,
        ),
        ModuleRole(
            rules.OFFICER_ROLE,
            _("SPBE indicator officer"),
            _("Fills the SPBE indicators assigned to them: level, justification and evidence."),
        ),
    ),
    staff_menu=(MenuEntry(_("SPBE"), "spbe:home", order=60, visible=_reads_spbe),),
    work=work,
    kpis=kpis,
    pemda_setup=setup,
    evidence=competence_evidence,
    demo=demo,
    demo_logins=(
        (DEMO_COORDINATOR, _("SPBE coordinator: reviews the self-assessment")),
        (DEMO_OFFICER, _("SPBE indicator officer: fills indicators with evidence")),
    ),
)
