"""What the kelurahan/desa module brings to the platform (filled in below)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from balai.core.registry import Module, ModuleRole

from .rules import Role

MODULE = Module(
    label="desa",
    name=_("Kelurahan, desa and KIM"),
    roles=(
        ModuleRole(Role.LURAH, _("lurah / kepala desa"), _("Sends the unit's reports to the mayor."), operates=True),
        ModuleRole(Role.CAMAT, _("camat"), _("Reviews the reports of the kecamatan's kelurahan and desa.")),
        ModuleRole(
            Role.PEMERINTAHAN,
            _("Bagian Pemerintahan (mayor's office)"),
            _("Reads every village report, comments and asks for follow-up."),
            pemda_wide=True,
        ),
        ModuleRole(Role.KIM, _("KIM member"), _("Posts the KIM's local information.")),
        ModuleRole(
            Role.MODERATOR,
            _("KIM moderator (Diskominfo)"),
            _("Keeps the KIM registry and moderates their posts."),
            pemda_wide=True,
        ),
    ),
)
