from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KinerjaConfig(AppConfig):
    name = "balai.kinerja"
    label = "kinerja"
    verbose_name = _("Planning and performance")

    def ready(self) -> None:
        from balai.core.registry import registry

        from .module import MODULE

        registry.register(MODULE)
