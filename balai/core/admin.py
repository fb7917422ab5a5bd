"""The system administrator's screens for the Pemda's configuration; the audit trail is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .auth import second_step_missing
from .middleware import client_address
from .models import AuditEvent, CalendarDay, Membership, Pemda, TrainingRecord, Unit, Wilayah
from .services import audit_record


def _system_administrators_only(request: HttpRequest) -> bool:
    # Every member of staff has is_staff (for the staff pages); the admin screens are the system administrator's,
    # and only in a session that has passed the second sign-in step where one is set up or required.
    return bool(request.user.is_active and request.user.is_superuser and second_step_missing(request) is None)


def _sign_in_through_the_staff_sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # The admin's own sign-in form would skip the second step: everyone signs in at /staf/masuk/.
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url=reverse("core:login"))


admin.site.has_permission = _system_administrators_only  # type: ignore[method-assign]
admin.site.login = _sign_in_through_the_staff_sign_in  # type: ignore[method-assign,assignment]


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
            ip_address=client_address(request),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.delete",
            obj=obj,
            changes={"repr": str(obj)},
            ip_address=client_address(request),
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


class _TrainedInOpdFilter(admin.SimpleListFilter):
    title = _("OPD")
    parameter_name = "opd"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(u.slug, str(u)) for u in Unit.objects.active().opd().order_by("name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        members = Membership.objects.filter(unit__slug=self.value(), is_active=True).values("user_id")
        return queryset.filter(user_id__in=members)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(AuditedAdmin):
    """Bimtek and Diklat attended, entered by an administrator; in-app guide confirmations record themselves."""

    list_display = ("user", "kind", "title", "date", "organiser", "recorded_by")
    list_filter = ("kind", _TrainedInOpdFilter)
    list_select_related = ("user", "recorded_by")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email", "title", "organiser")
    date_hierarchy = "date"
    autocomplete_fields = ("user",)
    readonly_fields = ("recorded_by", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


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


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(AuditedAdmin, TOTPDeviceAdmin):
    """Authenticator apps can be looked at and removed (for a lost phone), never added or edited here.

    People set up their own app at /staf/keamanan/; the secret keys are not shown (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # "Delete selected" must reach the audit trail too.
        for device in queryset:
            self.delete_model(request, device)
