from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "balai.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401 - registers the deploy checks
        from .models import CalendarDay, Pemda, Wilayah
        from .selectors import calendar_forget, pemda_forget

        # This process's copies of the Pemda and its calendar (selectors) are dropped when they change.
        for signal in (post_save, post_delete):
            for model in (Pemda, Wilayah):
                signal.connect(pemda_forget, sender=model, dispatch_uid=f"core.pemda_forget.{model.__name__}")
            signal.connect(calendar_forget, sender=CalendarDay, dispatch_uid="core.calendar_forget")
