"""Hand-made facts for the OPD readiness tests: operators appointed, seen, acting, trained; reports gone late."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth import get_user_model

from balai.core.models import Role, TrainingKind, Unit, UnitKind
from balai.core.services import audit_record, membership_grant, training_record
from balai.dasbor.readiness import OpdReadiness, opd_readiness
from balai.lapor.models import Weight
from tests.factories import make_report
from tests.lapor.backoffice.steps import dispatched

WITA = ZoneInfo("Asia/Makassar")


def at(*args: int) -> datetime:
    """A moment in Bitung's local time (WITA)."""
    return datetime(*args, tzinfo=WITA)


def unit(slug: str) -> Unit:
    return Unit.objects.get(slug=slug)


def appoint(slug: str, username: str, name: str = "", *, role: str = Role.OPERATOR, email: str = "") -> Any:
    """A new member of staff with a role in the OPD `slug`."""
    first, _, last = (name or username).partition(" ")
    user = get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.go.id", first_name=first, last_name=last
    )
    membership_grant(actor=None, user=user, unit=unit(slug), role=role)
    return user


def signed_in(user: Any, when: datetime) -> None:
    get_user_model().objects.filter(pk=user.pk).update(last_login=when)


def acted(user: Any, when: datetime) -> None:
    """Something this person did at `when`, as the audit trail records it."""
    with time_machine.travel(when, tick=False):
        audit_record(actor=user, action="report.note", obj=user)


def trained(user: Any, kind: str = TrainingKind.BIMTEK, day: date = date(2026, 1, 20)) -> None:
    training_record(
        actor=None, user=user, kind=kind, title="Bimtek Balai untuk operator OPD", date=day, organiser="Diskominfo"
    )


def late_report(coordinator: Any, *, lead: str = "dinas-pupr", when: datetime | None = None) -> Any:
    """A light report dispatched on Monday 2 March 2026: due at the end of Wednesday 4 March."""
    with time_machine.travel(when or at(2026, 3, 2, 9, 0), tick=False):
        return dispatched(make_report(), coordinator, lead=lead, weight=Weight.RINGAN)


def readiness_of(slug: str, now: datetime) -> OpdReadiness:
    return next(o for o in opd_readiness(now=now).opds if o.unit.slug == slug)


def codes(opd: OpdReadiness) -> list[str]:
    return [flag.code.value for flag in opd.flags]


def make_opd(slug: str) -> Unit:
    return Unit.objects.create(name=f"Badan {slug.title()}", short_name=slug.upper(), slug=slug, kind=UnitKind.OPD)
