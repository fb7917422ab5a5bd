from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DasborConfig(AppConfig):
    name = "balai.dasbor"
    label = "dasbor"
    verbose_name = _("Command center")
