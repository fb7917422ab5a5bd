"""The predicate bands are the Pemda's to edit (the system administrator, audited)."""

from django.contrib import admin

from balai.core.admin import AuditedAdmin

from .models import PredicateBand


@admin.register(PredicateBand)
class PredicateBandAdmin(AuditedAdmin):
    list_display = ("lower_bound", "label")
