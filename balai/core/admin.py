"""The system administrator's screens for the Pemda's configuration; the audit trail is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, CalendarDay, Membership, Pemda, Unit, Wilayah
from .services import audit_record


def _system_administrators_only(request: HttpRequest) -> bool:
    # Every member of staff has is_staff (for the staff pages); the admin screens are the system administrator's.
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _system_administrators_only  # type: ignore[method-assign]


class AuditedAdmin(admin.ModelAdmin):
    """Configuration changes made in the admin screens go to the audit trail like every other change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'change' if change else 'create'}",
            obj=obj,
            changes=changed,
            ip_address=request.META.get("REMOTE_ADDR"),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.delete",
            obj=obj,
            changes={"repr": str(obj)},
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        super().delete_model(request, obj)


@admin.register(Pemda)
class PemdaAdmin(AuditedAdmin):
    list_display = ("name", "kind", "wilayah", "code_prefix", "time_zone", "is_demo")
    raw_id_fields = ("wilayah",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Pemda.objects.exists()


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "slug")
    raw_id_fields = ("parent", "wilayah")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "role", "unit", "is_active", "appointed_on")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__email", "unit__name")
    raw_id_fields = ("user", "unit")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Wilayah)
class WilayahAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "action")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
