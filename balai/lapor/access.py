"""Who may see and do what with reports. Every staff read goes through here, so scoping cannot be forgotten."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from balai.core.models import Membership, Role

from .models import DISPATCHED_STATUSES, Report


@dataclass(frozen=True)
class StaffScope:
    """A staff member's reach, read once per request from their memberships."""

    user_id: int | None = None
    coordinator: bool = False  # admin koordinator or admin sistem: every report, coordinator actions
    leadership: bool = False  # pimpinan of a leadership unit (Setda): every report, read only
    operator_units: frozenset[int] = field(default_factory=frozenset)
    head_units: frozenset[int] = field(default_factory=frozenset)  # pimpinan (kepala) of an OPD

    @property
    def is_staff_member(self) -> bool:
        return self.coordinator or self.leadership or bool(self.operator_units or self.head_units)

    @property
    def sees_all(self) -> bool:
        return self.coordinator or self.leadership

    @property
    def units(self) -> frozenset[int]:
        return self.operator_units | self.head_units

    def may_see_identity(self, report: Report) -> bool:
        """Anonim hides the reporter from the OPD and the public; coordinators (verifiers) still see it."""
        return self.coordinator or not report.is_anonymous

    def operates(self, report: Report) -> bool:
        return report.lead_unit_id in self.operator_units

    def handles(self, report: Report) -> bool:
        """Operators of the lead OPD act on it; coordinators may act for them."""
        return self.coordinator or self.operates(report)


def staff_scope(user: Any) -> StaffScope:
    if not user.is_authenticated or not user.is_active:
        return StaffScope()
    rows = Membership.objects.filter(user=user, is_active=True, unit__is_active=True).values_list(
        "role", "unit_id", "unit__is_leadership"
    )
    coordinator = leadership = False
    operator_units: set[int] = set()
    head_units: set[int] = set()
    for role, unit_id, is_leadership in rows:
        if role in (Role.KOORDINATOR, Role.ADMIN_SISTEM):
            coordinator = True
        elif role == Role.OPERATOR:
            operator_units.add(unit_id)
        elif role == Role.PIMPINAN:
            if is_leadership:
                leadership = True
            else:
                head_units.add(unit_id)
    return StaffScope(
        user_id=user.pk,
        coordinator=coordinator,
        leadership=leadership,
        operator_units=frozenset(operator_units),
        head_units=frozenset(head_units),
    )


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
