"""The catalogue's groups (themes) are configured here; datasets change only through the services and staff pages."""

from __future__ import annotations

from django.contrib import admin

from balai.core.admin import AuditedAdmin

from .models import Group


@admin.register(Group)
class GroupAdmin(AuditedAdmin):
    list_display = ("title", "name")
    search_fields = ("title", "name")
    prepopulated_fields = {"name": ("title",)}  # noqa: RUF012
