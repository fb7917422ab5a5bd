from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporConfig(AppConfig):
    name = "balai.lapor"
    label = "lapor"
    verbose_name = _("Citizen reports")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from balai.core.registry import registry

        from . import cache, search
        from .module import MODULE

        # SQLite drops a table's triggers when a migration rebuilds the table: put the search triggers back.
        post_migrate.connect(search.ensure_after_migrate, sender=self, dispatch_uid="lapor.search.repair")
        cache.connect_signals()
        registry.register(MODULE)
