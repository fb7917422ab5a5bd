"""What the reporting module brings to the platform, registered in LaporConfig.ready() (balai.core.registry).

This is the worked example of the module seam (docs/development.md, "Adding a module")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.models import Role
from balai.core.registry import (
    Backlog,
    GoLiveCheck,
    GoLiveFinding,
    IntegrityCheck,
    Kpi,
    MenuEntry,
    Module,
    ModuleRole,
    PeriodicCheck,
    ReadinessSource,
    SearchHit,
    WorkSection,
)

from . import open_data
from .models import Report, Status
from .setup import default_categories_create

HANDLING_STATUSES = (Status.DIDISPOSISIKAN, Status.DIPROSES)
SEARCH_LIMIT = 20


def work(request: Any, scope: StaffScope, now: datetime) -> WorkSection | None:
    """'My work' for reports: counts by step, and the most urgent reports."""
    if not (scope.coordinator or scope.leadership or scope.units):
        return None
    from balai.core.selectors import work_calendar

    from .selectors import InboxFilters, my_work, staff_inbox, staff_inbox_slice

    soon = work_calendar().add_working_days(now, 1)
    everything = InboxFilters()
    urgent = staff_inbox_slice(scope, staff_inbox(scope, everything, now=now, soon=soon), 0, 8, filters=everything)
    return WorkSection(
        module="lapor",
        title=_("Citizen reports"),
        items=[],
        template="lapor/_work.html",
        context={"work": my_work(scope, now=now, soon=soon), "urgent": urgent, "scope": scope, "soon": soon},
        order=10,
    )


def backlog(unit_ids: list[int], now: datetime) -> dict[int, Backlog]:
    """Each OPD's reports in hand (dispatched, not yet answered): one grouped read over the lead-unit index."""
    rows = (
        Report.objects.filter(lead_unit_id__in=unit_ids, status__in=HANDLING_STATUSES)
        .order_by()
        .values("lead_unit_id")
        .annotate(
            open=Count("id"),
            new=Count("id", filter=Q(status=Status.DIDISPOSISIKAN)),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            oldest_due=Min("due_at", filter=Q(due_at__lt=now)),
        )
    )
    return {
        row["lead_unit_id"]: Backlog(
            open=row["open"], new=row["new"], overdue=row["overdue"], oldest_due=row["oldest_due"]
        )
        for row in rows
    }


def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
    """Headline figures for the command center's strip of modules (and an OPD's own site): reports in hand and
    overdue, for the whole Pemda or the given OPD."""
    qs = Report.objects.filter(status__in=HANDLING_STATUSES)
    if unit_ids is not None:
        qs = qs.filter(lead_unit_id__in=list(unit_ids))
    counts = qs.order_by().aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    inbox = reverse("staff:inbox")
    from .selectors import complaint_figures

    year = complaint_figures(unit_ids, now)
    return [
        Kpi("lapor.open", _("Reports in hand at OPD"), counts["open"], url=inbox),
        Kpi("lapor.overdue", _("Reports overdue at OPD"), counts["overdue"], url=f"{inbox}?due=overdue"),
        Kpi(
            "lapor.received_12m",
            _("Reports received (12 months)"),
            year.received,
            help=_("Reports that reached this office in the last 12 months, whatever their state now."),
        ),
        Kpi(
            "lapor.on_time_12m",
            _("Finished within the deadline (12 months)"),
            year.on_time,
            help=_("Of those reports, how many were finished by their follow-up deadline."),
        ),
        Kpi(
            "lapor.median_days_12m",
            _("Median days to finish (12 months)"),
            year.median_days,
            unit=_("days"),
            help=_("Half of the finished reports took less time than this, from arrival to finished."),
        ),
    ]


def search(query: str, limit: int) -> list[SearchHit]:
    """Public reports matching the words (the public list's own search: never a rahasia report or an identity)."""
    from .selectors import PublicFilters, reports_public

    limit = min(limit, SEARCH_LIMIT)
    return [
        SearchHit(
            title=report.display_title,
            url=reverse("lapor:detail", args=[report.code]),
            summary=" · ".join([report.category.name, *([report.kelurahan.name] if report.kelurahan else [])]),
            kind=_("Report"),
            when=report.created_at,
        )
        for report in reports_public(PublicFilters(q=query)).order_by("-created_at")[:limit]
    ]


def periodic_deadlines(now: datetime) -> dict[str, int]:
    from .tasks import periodic_checks

    return periodic_checks(now)


def periodic_statistics(now: datetime) -> dict[str, int]:
    from .tasks import refresh_planner_statistics

    return refresh_planner_statistics(now)


def periodic_pending_photos(now: datetime) -> dict[str, int]:
    from .services import pending_photos_purge

    return {"pending_photos_removed": pending_photos_purge()}


def integrity_checks(storage: Any, orphan_grace: Any) -> list[Any]:
    from .integrity import find_problems

    return find_problems(storage=storage, orphan_grace=orphan_grace)


def categories_ready() -> GoLiveFinding:
    """The report form needs at least one active category, each sent to an OPD by default."""
    from .models import Category

    count = Category.objects.filter(is_active=True).count()
    if count:
        return GoLiveFinding(True, _("%(count)d active categories.") % {"count": count})
    return GoLiveFinding(
        False,
        _("There is no active report category, so the report form cannot be sent."),
        _("Add the categories and their OPD at /staf/admin/lapor/category/ (as the system administrator)."),
    )


def coordinator_ready() -> GoLiveFinding:
    """Someone must verify and dispatch new reports: an active person with the coordinator role."""
    from balai.core.models import Membership

    names = sorted(
        Membership.objects.filter(module="lapor", role=Role.KOORDINATOR, is_active=True, user__is_active=True)
        .values_list("user__username", flat=True)
        .distinct()
    )
    if names:
        return GoLiveFinding(True, _("Coordinator: %(names)s.") % {"names": ", ".join(names)})
    return GoLiveFinding(
        False,
        _("Nobody holds the coordinator role, so new reports would wait unverified."),
        _('Give the role "%(role)s" to a person of Diskominfo at /staf/unit/ (the unit\'s people and roles).')
        % {"role": Role.KOORDINATOR.label},
    )


def complaint_evidence(now: datetime) -> list[Any]:
    from .evidence import evidence

    return evidence(now)


def _handles_reports(scope: StaffScope) -> bool:
    return scope.coordinator or scope.leadership or bool(scope.units)


MODULE = Module(
    label="lapor",
    name=_("Citizen reports"),
    roles=(
        ModuleRole(
            Role.KOORDINATOR,
            Role.KOORDINATOR.label,
            _("Verifies new reports and dispatches them to the OPD; watches every deadline."),
            pemda_wide=True,
        ),
        ModuleRole(
            Role.OPERATOR,
            Role.OPERATOR.label,
            _("Handles the reports dispatched to the OPD and answers them publicly."),
            operates=True,
        ),
    ),
    staff_menu=(MenuEntry(_("Inbox"), "staff:inbox", order=10, visible=_handles_reports),),
    public_menu=(
        MenuEntry(_("Report"), "lapor:create", order=10),
        MenuEntry(_("Track"), "lapor:track", order=20),
        MenuEntry(_("All reports"), "lapor:list", order=30),
    ),
    work=work,
    periodic=(
        PeriodicCheck("lapor.deadlines", periodic_deadlines),
        PeriodicCheck("lapor.planner_statistics", periodic_statistics),
        PeriodicCheck("lapor.pending_photos", periodic_pending_photos),
    ),
    integrity=(IntegrityCheck("lapor.reports_and_photos", integrity_checks),),
    readiness=ReadinessSource(
        role=Role.OPERATOR,
        backlog=backlog,
        overdue_rule=_("No report dispatched to the OPD stays open past its follow-up deadline."),
        overdue_remedy=_(
            "Answer the overdue reports, or return those that are not this OPD's work to the coordinator."
        ),
    ),
    kpis=kpis,
    search=search,
    go_live=(
        GoLiveCheck("lapor.categories", _("Citizens can choose a report category"), categories_ready),
        GoLiveCheck("lapor.coordinator", _("A coordinator verifies new reports"), coordinator_ready),
    ),
    pemda_setup=default_categories_create,
    evidence=complaint_evidence,
    datasets=open_data.datasets,
)
