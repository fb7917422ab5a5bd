"""A staff member's reach: their roles in each unit, per module, read once per request from their memberships.

Modules ask the scope through its generic questions (`has`, `units_with`); the reporting module's roles also have
named shortcuts (`coordinator`, `operator_units`) because every page of the back office asks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Membership, Pemda, Role

# The platform's own roles (no module): the system administrator and the heads (pimpinan).
PLATFORM = ""
# The reporting module's label; its two roles are read by the shortcuts below and by the command center.
LAPOR = "lapor"


@dataclass(frozen=True)
class Grant:
    """One role a person holds in one unit, for one module ('' for the platform's own roles)."""

    module: str
    role: str
    unit_id: int
    leadership_unit: bool = False


@dataclass(frozen=True)
class StaffScope:
    """A staff member's reach, read once per request from their memberships."""

    user_id: int | None = None
    grants: frozenset[Grant] = field(default_factory=frozenset)

    # --- generic questions, for every module ----------------------------------------------------------------

    def has(self, module: str, role: str) -> bool:
        return any(g.module == module and g.role == role for g in self.grants)

    def units_with(self, module: str, role: str) -> frozenset[int]:
        return frozenset(g.unit_id for g in self.grants if g.module == module and g.role == role)

    @property
    def admin(self) -> bool:
        """The system administrator: configures the Pemda; acts as coordinator of every module."""
        return self.has(PLATFORM, Role.ADMIN_SISTEM)

    # --- the shortcuts the back office and the command center read ------------------------------------------

    @property
    def coordinator(self) -> bool:
        """Admin koordinator or admin sistem: every report, and the coordinator's actions."""
        return self.admin or self.has(LAPOR, Role.KOORDINATOR)

    @property
    def leadership(self) -> bool:
        """Pimpinan of a leadership unit (Setda): reads every unit's work."""
        return any(g.module == PLATFORM and g.role == Role.PIMPINAN and g.leadership_unit for g in self.grants)

    @property
    def head_units(self) -> frozenset[int]:
        """The OPD whose head (kepala) this person is."""
        return frozenset(
            g.unit_id for g in self.grants if g.module == PLATFORM and g.role == Role.PIMPINAN and not g.leadership_unit
        )

    @property
    def operator_units(self) -> frozenset[int]:
        return self.units_with(LAPOR, Role.OPERATOR)

    @property
    def module_units(self) -> frozenset[int]:
        """Every unit where this person holds a role of some module (not counting the heads' role)."""
        return frozenset(g.unit_id for g in self.grants if g.module != PLATFORM)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.grants)

    @property
    def sees_all(self) -> bool:
        return self.coordinator or self.leadership

    @property
    def units(self) -> frozenset[int]:
        """The units whose reports this person reads: where they operate or head."""
        return self.operator_units | self.head_units


def staff_scope(user: Any) -> StaffScope:
    if not user.is_authenticated or not user.is_active:
        return StaffScope()
    rows = Membership.objects.filter(user=user, is_active=True, unit__is_active=True).values_list(
        "module", "role", "unit_id", "unit__is_leadership"
    )
    grants = frozenset(Grant(module, role, unit_id, bool(leadership)) for module, role, unit_id, leadership in rows)
    return StaffScope(user_id=user.pk, grants=grants)


class StaffRequest(HttpRequest):
    """A request that passed `staff_member_required`: it carries the person's scope (and, as every request,
    the Pemda that PemdaMiddleware read)."""

    scope: StaffScope
    pemda: Pemda


def staff_view(admit: Callable[[HttpRequest, StaffScope], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A decorator for staff views: signed in, and `admit(request, scope)` true (it may put more on the request);
    the scope is put on the request as `request.scope` (see StaffRequest), anyone else gets 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            scope = staff_scope(request.user)
            if not admit(request, scope):
                raise PermissionDenied
            request.scope = scope  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_member_required = staff_view(lambda request, scope: scope.is_staff_member)
staff_member_required.__doc__ = "Signed-in staff with at least one role; the scope is put on the request."
