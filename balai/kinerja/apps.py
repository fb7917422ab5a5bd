from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KinerjaConfig(AppConfig):
    name = "balai.kinerja"
    label = "kinerja"
    verbose_name = _("Planning and performance")

    def ready(self) -> None:
        from balai.core.registry import registry

        from .module import MODULE

        registry.register(MODULE)
        post_migrate.connect(_fill_empty_summary, sender=self, dispatch_uid="kinerja-fill-summary")


def _fill_empty_summary(using: str = "default", **_kwargs: Any) -> None:
    """An installation upgraded to the summary cells: count the plans it already has, once."""
    from .models import Activity, SummaryCell
    from .summary import summary_rebuild

    if Activity.objects.using(using).exists() and not SummaryCell.objects.using(using).exists():
        summary_rebuild()
