"""The Pemda's report types (the admin screen of the system administrator): fields, units that send, period."""

from __future__ import annotations

from django.contrib import admin

from .models import ReportField, ReportType


class ReportFieldInline(admin.TabularInline):
    model = ReportField
    extra = 1
    fields = ("order", "key", "label", "kind", "choices", "required")


@admin.register(ReportType)
class ReportTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "period",
        "deadline_days",
        "for_kelurahan",
        "for_desa",
        "for_kecamatan",
        "is_active",
    )
    list_filter = ("period", "is_active")
    inlines = (ReportFieldInline,)
