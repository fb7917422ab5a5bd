from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesaConfig(AppConfig):
    name = "balai.desa"
    label = "desa"
    verbose_name = _("Kelurahan, desa and KIM")

    def ready(self) -> None:
        from balai.core.registry import registry

        from .module import MODULE

        registry.register(MODULE)
