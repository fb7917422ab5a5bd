"""Which reports a staff member may read. Every staff read goes through here, so scoping cannot be forgotten;
what they may *do* is the allowed-actions table (rules.py)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from balai.core.access import StaffScope

from .models import DISPATCHED_STATUSES, Report


def reports_visible_to(scope: StaffScope) -> QuerySet[Report]:
    """Every report a staff member may open; an OPD sees only what was dispatched to it (lead or support)."""
    qs = Report.objects.all()
    if scope.sees_all:
        return qs
    if not scope.units:
        return qs.none()
    units = list(scope.units)
    supported = Report.supporting_units.through.objects.filter(unit_id__in=units).values("report_id")
    return qs.filter(status__in=DISPATCHED_STATUSES).filter(Q(lead_unit_id__in=units) | Q(pk__in=supported))


def access_report_by_code(scope: StaffScope, code: str) -> Report:
    """The report if this staff member may open it; 404 otherwise, so a guessed code reveals nothing."""
    report = (
        reports_visible_to(scope)
        .select_related("category", "kecamatan", "kelurahan", "lead_unit", "merged_into")
        .filter(code=code)
        .first()
    )
    if report is None:
        raise Http404
    return report


def may_see_identity(scope: StaffScope, report: Report) -> bool:
    """Anonim hides the reporter from the OPD and the public; coordinators (verifiers) still see it."""
    return scope.coordinator or not report.is_anonymous
