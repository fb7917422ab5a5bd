from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitusConfig(AppConfig):
    name = "balai.situs"
    label = "situs"
    verbose_name = _("Websites")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from balai.core.registry import registry

        from .module import MODULE

        registry.register(MODULE)
