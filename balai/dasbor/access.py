"""Who may read the command center, and over which OPD.

Coordinators, system administrators and the Pemda's leadership (Setda) read the whole Pemda. The head of an
OPD and its operators read their own OPD only: its figures, its lists, its map. Everyone else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from balai.core.access import StaffRequest, StaffScope, staff_scope, staff_view


@dataclass(frozen=True)
class DashboardScope:
    """The reach of one reader: the whole Pemda, or a fixed set of OPD."""

    staff: StaffScope
    whole_pemda: bool
    units: frozenset[int]

    @property
    def allowed(self) -> bool:
        return self.whole_pemda or bool(self.units)

    def may_see_unit(self, unit_id: int | None) -> bool:
        return self.whole_pemda or unit_id in self.units


def _reach(staff: StaffScope) -> DashboardScope:
    return DashboardScope(staff=staff, whole_pemda=staff.sees_all, units=staff.units)


def dashboard_scope(user: Any) -> DashboardScope:
    return _reach(staff_scope(user))


class DashboardRequest(StaffRequest):
    """A request that passed `dashboard_reader_required`: the reader's reach (`dash`) and staff scope."""

    dash: DashboardScope


def _admit_reader(request: HttpRequest, scope: StaffScope) -> bool:
    dash = _reach(scope)
    request.dash = dash  # type: ignore[attr-defined]
    return dash.allowed


# Signed-in staff with a reach; the reach is put on the request as `request.dash`, the scope as `request.scope`.
dashboard_reader_required = staff_view(_admit_reader)
