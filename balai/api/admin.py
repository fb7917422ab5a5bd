"""API clients in the system administrator's screens: create (the key is shown once) and revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import ApiClient, EmailMessageLog
from .services import apikey_create, apikey_revoke


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "created_at", "last_used_at", "revoked_at", "rate_limit")
    fields = ("name", "rate_limit", "contact", "key_prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = apikey_create(name=obj.name, actor=request.user, rate_limit=obj.rate_limit, contact=obj.contact)
        obj.pk, obj.key_prefix, obj.key_hash, obj.created_at = (
            client.pk,
            client.key_prefix,
            client.key_hash,
            client.created_at,
        )
        messages.warning(
            request,
            _("The key of %(name)s, shown only now; store it safely: %(key)s") % {"name": client.name, "key": key},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for client in queryset:
            apikey_revoke(client=client, actor=request.user)


@admin.register(EmailMessageLog)
class EmailMessageLogAdmin(admin.ModelAdmin):
    """What came in by email: imported, attached to a report, ignored, or kept aside because it was unreadable."""

    list_display = ("received_at", "status", "sender", "subject", "report")
    list_filter = ("status",)
    search_fields = ("message_id", "sender", "subject")
    readonly_fields = tuple(f.name for f in EmailMessageLog._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
