from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PpidConfig(AppConfig):
    name = "balai.ppid"
    label = "ppid"
    verbose_name = _("Public information (PPID)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from balai.core.registry import registry

        from .module import MODULE

        registry.register(MODULE)
