from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "balai.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django_tasks.signals import task_started

        from .changes import memos_follow_shared_version, on_change
        from .models import CalendarDay, Pemda, Wilayah
        from .selectors import calendar_forget, pemda_forget

        # This process's copies of the Pemda and its calendar (selectors) are dropped on any write to them.
        on_change(pemda_forget, Pemda, Wilayah, uid="core.pemda_forget")
        on_change(calendar_forget, CalendarDay, uid="core.calendar_forget")
        # A superuser made once the Pemda exists (`createsuperuser`) gets the roles the staff pages need at once.
        # A task in the worker (which serves no requests) also starts from copies as new as the database's.
        task_started.connect(memos_follow_shared_version, dispatch_uid="core.memos_follow_shared_version")
        post_save.connect(_superuser_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="core.superuser_roles")


def _superuser_saved(sender: Any, instance: Any, created: bool, raw: bool, update_fields: Any, **_kw: Any) -> None:
    # Not while a backup is loaded (raw: its memberships follow), nor on a sign-in's `last_login` save.
    if raw or not instance.is_superuser or not (created or update_fields is None or "is_superuser" in update_fields):
        return
    from .models import Pemda
    from .services import superuser_roles_grant

    if Pemda.objects.exists():
        superuser_roles_grant(actor=None, user=instance)
