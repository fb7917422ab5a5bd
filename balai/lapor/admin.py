"""Categories are configured here; reports are read-only (their changes go through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balai.core.admin import AuditedAdmin

from .models import Category, CategoryQuestion, Report, ReportEvent


class CategoryQuestionInline(admin.StackedInline):
    model = CategoryQuestion
    extra = 0
    fields = ("code", "label", "description", "datatype", "required", "values", "order", "is_active")


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    inlines = (CategoryQuestionInline,)
    list_display = ("name", "default_unit", "default_weight", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active", "default_weight")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor_label", "kind", "from_status", "to_status", "shown_text", "is_public")
    readonly_fields = fields

    @admin.display(description=_("text"))
    def shown_text(self, event: ReportEvent) -> str:
        """The generated sentence in the admin's language, then the person's words."""
        return event.text

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "status", "category", "kecamatan", "created_at", "is_confidential", "is_anonymous")
    list_filter = ("status", "category", "channel", "is_confidential", "is_anonymous")
    search_fields = ("code", "title")
    date_hierarchy = "created_at"
    inlines = (ReportEventInline,)
    list_select_related = ("category", "kecamatan")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
