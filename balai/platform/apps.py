from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    """The project shell: the staff home, the worker, backup, integrity and the `balai` commands.

    It sits above every module and reads them only through the registry (balai.core.registry)."""

    name = "balai.platform"
    label = "platform"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from balai.core.registry import registry

        from . import checks  # noqa: F401 - registers the deploy checks
        from .module import MODULE

        registry.register(MODULE)
