from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitusConfig(AppConfig):
    name = "balai.situs"
    label = "situs"
    verbose_name = _("Websites")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from balai.core.registry import registry

        from . import search
        from .module import MODULE

        registry.register(MODULE)
        # `flush` (a restore, a transactional test) empties the pages but not the SQLite word index.
        post_migrate.connect(search.forget_gone, sender=self, dispatch_uid="situs.search.flushed")
