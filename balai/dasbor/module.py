"""What the command center brings to the platform's menus and worker (balai.core.registry)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import MenuEntry, Module, PeriodicCheck


def _reads_dashboard(scope: StaffScope) -> bool:
    return scope.sees_all or bool(scope.units)


def periodic_digest(now: datetime) -> dict[str, int]:
    from .digest import periodic_digest as run

    return run(now)


def periodic_backlog_fold(now: datetime) -> dict[str, int]:
    """Backlog cells of deadlines long past are summed, so that the table does not keep growing."""
    from .summary import backlog_fold

    return {"backlog_cells_folded": backlog_fold(now)}


MODULE = Module(
    label="dasbor",
    name=_("Command center"),
    staff_menu=(
        MenuEntry(_("Command center"), "dasbor:overview", order=20, visible=_reads_dashboard),
        MenuEntry(_("OPD readiness"), "dasbor:readiness", order=30, visible=_reads_dashboard),
    ),
    public_menu=(MenuEntry(_("Statistics"), "statistik:statistics", order=40),),
    periodic=(
        PeriodicCheck("dasbor.digest", periodic_digest),
        PeriodicCheck("dasbor.backlog_fold", periodic_backlog_fold),
    ),
)
