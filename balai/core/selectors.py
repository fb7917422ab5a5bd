"""Reads for the organisation: the Pemda, a user's roles and units, and the working-day calendar."""

from __future__ import annotations

from typing import Any

from balai.lib.workdays import WorkCalendar

from .models import CalendarDay, CalendarDayKind, Membership, Pemda, Role, Unit


def pemda_current() -> Pemda | None:
    return Pemda.objects.select_related("wilayah").first()


def user_memberships(user: Any) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True, unit__is_active=True)
        .select_related("unit")
        .order_by("role")
    )


def user_has_role(user: Any, role: Role) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user, role=role, is_active=True).exists()


def units_operated_by(user: Any) -> list[Unit]:
    return [m.unit for m in user_memberships(user) if m.role == Role.OPERATOR]


def work_calendar(pemda: Pemda | None = None) -> WorkCalendar:
    """The Pemda's calendar: national holidays and cuti bersama, plus its own days off and working-day overrides."""
    pemda = pemda or pemda_current()
    days = list(CalendarDay.objects.values_list("date", "kind"))
    return WorkCalendar(
        tz=pemda.time_zone if pemda else "Asia/Jakarta",
        extra_days_off=[d for d, k in days if k != CalendarDayKind.HARI_KERJA],
        extra_working_days=[d for d, k in days if k == CalendarDayKind.HARI_KERJA],
    )
