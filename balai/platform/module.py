"""The shell's own menu entries (the staff home, the people of each unit, the guide, undelivered mail) and the
outbox's periodic upkeep."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.outbox import mail_upkeep, mails_needing_attention
from balai.core.registry import MenuEntry, Module, PeriodicCheck


def _admin(scope: StaffScope) -> bool:
    return scope.admin


def _coordinator(scope: StaffScope) -> bool:
    return scope.coordinator


def _mail_failing(scope: StaffScope) -> bool:
    """Shown to those who can act on it, and only while some email is undelivered or still being retried."""
    return scope.coordinator and mails_needing_attention().exists()


MODULE = Module(
    label="platform",
    name=_("Platform"),
    staff_menu=(
        MenuEntry(_("My work"), "platform:staff_home", order=0),
        MenuEntry(_("Units and people"), "platform:units", order=90, visible=_admin),
        MenuEntry(_("Locked sign-ins"), "platform:locked_accounts", order=95, visible=_coordinator),
        MenuEntry(_("Undelivered mail"), "platform:undelivered_mail", order=96, visible=_mail_failing),
        MenuEntry(_("Before going live"), "platform:go_live", order=97, visible=_admin),
        MenuEntry(_("Guide"), "platform:guide", order=10, place="account"),
    ),
    periodic=(PeriodicCheck("platform.mail_outbox", mail_upkeep),),
)
