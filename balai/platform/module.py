"""The shell's own menu entries: the staff home, the people of each unit, the guide."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import MenuEntry, Module


def _admin(scope: StaffScope) -> bool:
    return scope.admin


def _coordinator(scope: StaffScope) -> bool:
    return scope.coordinator


MODULE = Module(
    label="platform",
    name=_("Platform"),
    staff_menu=(
        MenuEntry(_("My work"), "platform:staff_home", order=0),
        MenuEntry(_("Units and people"), "platform:units", order=90, visible=_admin),
        MenuEntry(_("Locked sign-ins"), "platform:locked_accounts", order=95, visible=_coordinator),
        MenuEntry(_("Before going live"), "platform:go_live", order=97, visible=_admin),
        MenuEntry(_("Guide"), "platform:guide", order=10, place="account"),
    ),
)
