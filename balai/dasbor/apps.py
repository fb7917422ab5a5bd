from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DasborConfig(AppConfig):
    name = "balai.dasbor"
    label = "dasbor"
    verbose_name = _("Command center")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from balai.core.models import CalendarDay
        from balai.core.registry import registry
        from balai.lapor.hooks import report_changed

        from . import summary
        from .module import MODULE
        from .signals import calendar_changed, fill_empty_summary

        post_save.connect(calendar_changed, sender=CalendarDay, dispatch_uid="dasbor-calendar-saved")
        post_delete.connect(calendar_changed, sender=CalendarDay, dispatch_uid="dasbor-calendar-deleted")
        post_migrate.connect(fill_empty_summary, sender=self, dispatch_uid="dasbor-fill-summary")
        # The summary cells change with every report, in the report's own transaction.
        report_changed.connect(summary.OBSERVER)
        registry.register(MODULE)
