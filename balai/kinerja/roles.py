"""The module's roles (held through memberships, module="kinerja") and who a person is for an OPD's rows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import ModuleRole

MODULE = "kinerja"
PERENCANA = "perencana"  # the OPD's planning officer: enters the quarterly realisation
BAPPEDA = "bappeda"  # Bappeda's evaluator: checks every OPD's realisation, imports and publishes the plan

ROLES = (
    ModuleRole(
        PERENCANA,
        _("planning officer (perencana OPD)"),
        _("Enters the OPD's quarterly realisation of its sub kegiatan, with evidence."),
        operates=True,
    ),
    ModuleRole(
        BAPPEDA,
        _("Bappeda evaluator"),
        _("Imports and publishes the plan, checks every OPD's realisation (accept or return), writes evaluations."),
        pemda_wide=True,
    ),
)


def is_bappeda(scope: StaffScope) -> bool:
    """Bappeda's evaluators, and the system administrator who stands in for every module's coordinator."""
    return scope.admin or scope.has(MODULE, BAPPEDA)


def officer_units(scope: StaffScope) -> frozenset[int]:
    return scope.units_with(MODULE, PERENCANA)


def uses_kinerja(scope: StaffScope) -> bool:
    return is_bappeda(scope) or bool(officer_units(scope))
