from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpbeConfig(AppConfig):
    name = "balai.spbe"
    label = "spbe"
    verbose_name = _("SPBE self-assessment")

    def ready(self) -> None:
        from balai.core.registry import registry

        from .module import MODULE

        registry.register(MODULE)
