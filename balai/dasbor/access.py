"""Who may read the command center, and over which OPD.

Coordinators, system administrators and the Pemda's leadership (Setda) read the whole Pemda. The head of an
OPD and its operators read their own OPD only: its figures, its lists, its map. Everyone else is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from balai.core.access import StaffRequest, StaffScope, staff_scope


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


def dashboard_scope(user: Any) -> DashboardScope:
    staff = staff_scope(user)
    return DashboardScope(staff=staff, whole_pemda=staff.sees_all, units=staff.units)


class DashboardRequest(StaffRequest):
    """A request that passed `dashboard_reader_required`: the reader's reach (`dash`) and staff scope."""

    dash: DashboardScope


def dashboard_reader_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed-in staff with a reach; the scope is put on the request as `request.dash`."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        dash = dashboard_scope(request.user)
        if not dash.allowed:
            raise PermissionDenied
        request.dash = dash  # type: ignore[attr-defined]
        request.scope = dash.staff  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
