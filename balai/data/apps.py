from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataConfig(AppConfig):
    name = "balai.data"
    label = "data"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from balai.core.registry import registry

        from . import search
        from .models import Dataset
        from .module import MODULE

        registry.register(MODULE)
        # The SQLite word index follows rows written outside the services: a restore, a deletion.
        post_save.connect(search.on_dataset_saved, sender=Dataset, dispatch_uid="data.search.saved")
        post_delete.connect(search.on_dataset_deleted, sender=Dataset, dispatch_uid="data.search.deleted")
        # `flush` (a restore, a transactional test) empties the datasets but not the SQLite word index.
        post_migrate.connect(search.forget_gone, sender=self, dispatch_uid="data.search.flushed")
