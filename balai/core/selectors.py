"""Reads for the organisation: the Pemda, a user's roles and units, their sign-in app, and the working-day calendar."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.lib.geo import PolygonIndex, polygon_from_geojson
from balai.lib.memo import ProcessMemo
from balai.lib.workdays import WorkCalendar

from .models import CalendarDay, CalendarDayKind, Membership, Pemda, Role, Unit, Wilayah, WilayahBoundary

# Every request reads the Pemda (middleware, forms, services): one copy per process, dropped on any write to the
# Pemda in this process (balai.core.changes, connected in CoreConfig.ready) and at the next request after a write
# in another process (the shared versions); PEMDA_TTL seconds at most in a process that serves no requests.
PEMDA_TTL = 10
_pemda: ProcessMemo[Pemda | None] = ProcessMemo("core.pemda", ttl=PEMDA_TTL)


def pemda_current() -> Pemda | None:
    return _pemda.get("current", lambda: Pemda.objects.select_related("wilayah").first())


def pemda_forget(**_kwargs: Any) -> None:
    """Drop this process's copy of the Pemda (a signal receiver: the Pemda or its wilayah changed)."""
    _pemda.clear()


# The Pemda's own days off and working days, read for every deadline: kept like the Pemda.
_calendar_days: ProcessMemo[list[tuple[Any, str]]] = ProcessMemo("core.calendar_days", ttl=PEMDA_TTL)


def calendar_forget(**_kwargs: Any) -> None:
    """Drop this process's copy of the calendar days (a signal receiver)."""
    _calendar_days.clear()


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


# The roles the Pemda can oblige to use two-step sign-in: they can see and change the most.
ROLES_REQUIRING_2FA = (Role.KOORDINATOR, Role.ADMIN_SISTEM)


def staff_2fa_required(user: Any, pemda: Pemda | None) -> bool:
    """Whether this person must pass the second sign-in step: the Pemda asks it of their role.

    A superuser counts as a system administrator even without the membership (e.g. made by createsuperuser).
    """
    if pemda is None or not pemda.require_staff_2fa or not user.is_authenticated:
        return False
    return bool(
        user.is_superuser or Membership.objects.filter(user=user, role__in=ROLES_REQUIRING_2FA, is_active=True).exists()
    )


def totp_device_of(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    """The person's authenticator app: the confirmed one, or (confirmed=False) the one being set up."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def work_calendar(pemda: Pemda | None = None) -> WorkCalendar:
    """The Pemda's calendar: national holidays and cuti bersama, plus its own days off and working-day overrides."""
    pemda = pemda or pemda_current()
    days = _calendar_days.get("all", lambda: list(CalendarDay.objects.values_list("date", "kind")))
    return WorkCalendar(
        tz=pemda.time_zone if pemda else "Asia/Jakarta",
        extra_days_off=[d for d, k in days if k != CalendarDayKind.HARI_KERJA],
        extra_working_days=[d for d, k in days if k == CalendarDayKind.HARI_KERJA],
    )


# --- sign-in lockouts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockedAccount:
    user: Any
    failures: int
    last_attempt: datetime.datetime
    addresses: int


def login_lockouts() -> list[LockedAccount]:
    """Staff accounts that django-axes refuses now: `AXES_FAILURE_LIMIT` wrong passwords within the pause, from any
    number of addresses (the lockout counts per account)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Max, Sum
    from django.utils import timezone

    cool_off = get_cool_off()
    recent = AccessAttempt.objects.all()
    if cool_off is not None:
        recent = recent.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = (
        recent.values("username")
        .annotate(
            failures=Sum("failures_since_start"), last=Max("attempt_time"), addresses=Count("ip_address", distinct=True)
        )
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    by_name = {row["username"]: row for row in rows}
    users = get_user_model()._default_manager.filter(username__in=list(by_name)).order_by("username")
    return sorted(
        (
            LockedAccount(
                user=user,
                failures=by_name[user.username]["failures"],
                last_attempt=by_name[user.username]["last"],
                addresses=by_name[user.username]["addresses"],
            )
            for user in users
        ),
        key=lambda locked: locked.last_attempt,
        reverse=True,
    )


# The kelurahan outlines of the Pemda, as a search tree: built once per process, dropped when they are imported
# here, rebuilt within PEMDA_TTL seconds after an import elsewhere.
_boundaries: ProcessMemo[PolygonIndex[str]] = ProcessMemo("core.boundaries", ttl=PEMDA_TTL)


def boundaries_forget(**_kwargs: Any) -> None:
    _boundaries.clear()


def _boundary_index(kabkota_code: str) -> PolygonIndex[str]:
    rows = WilayahBoundary.objects.filter(wilayah__code__startswith=f"{kabkota_code}.").values_list(
        "wilayah_id", "geometry"
    )
    return PolygonIndex((code, polygon_from_geojson(geometry)) for code, geometry in rows)


def pemda_has_boundaries(pemda: Pemda) -> bool:
    return len(_boundaries.get(pemda.wilayah_id, lambda: _boundary_index(pemda.wilayah_id))) > 0


def kelurahan_at(pemda: Pemda, latitude: Any, longitude: Any) -> Wilayah | None:
    """The Pemda's kelurahan/desa whose imported outline holds the point, or None (no outlines, or outside all)."""
    index = _boundaries.get(pemda.wilayah_id, lambda: _boundary_index(pemda.wilayah_id))
    code = index.find(float(latitude), float(longitude))
    return Wilayah.objects.select_related("parent").filter(code=code).first() if code else None
