from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "balai.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from .changes import on_change
        from .models import CalendarDay, Pemda, Wilayah
        from .selectors import calendar_forget, pemda_forget

        # This process's copies of the Pemda and its calendar (selectors) are dropped on any write to them.
        on_change(pemda_forget, Pemda, Wilayah, uid="core.pemda_forget")
        on_change(calendar_forget, CalendarDay, uid="core.calendar_forget")
