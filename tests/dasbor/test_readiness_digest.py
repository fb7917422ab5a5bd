"""The daily digest carries the readiness flags: to each OPD head for their OPD, to the coordinators for every OPD."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from balai.core.models import Membership, Role, StaffPreference, Unit
from balai.lapor.models import NotificationLog
from tests.periodic import periodic_checks

from .readiness_steps import appoint, at, late_report, signed_in, trained

pytestmark = pytest.mark.django_db

HEAD = "kepala.pupr@demo.balai.local"
COORDINATOR = "koordinator@demo.balai.local"


@pytest.fixture
def english(head_pupr: Any, coordinator: Any) -> None:
    for user in (head_pupr, coordinator):
        StaffPreference.objects.create(user=user, language="en")


def _to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


def _readiness_digests() -> list[Any]:
    return [m for m in _to(COORDINATOR) if m.subject.startswith(("OPD readiness", "Kesiapan OPD"))]


def _every_opd_ready(now: Any) -> None:
    """Every OPD gets an operator where it has none; every operator is trained and was seen at `now`."""
    for opd in Unit.objects.active().opd().exclude(memberships__role=Role.OPERATOR):
        appoint(opd.slug, f"operator.{opd.slug}", f"Operator {opd.short_name}")
    for membership in Membership.objects.filter(role=Role.OPERATOR).select_related("user"):
        trained(membership.user)
        signed_in(membership.user, now)


def test_the_head_reads_their_opds_flags_with_the_rules_in_the_daily_digest(
    city, english, operator_pupr, coordinator, time_machine
):
    late_report(coordinator)
    time_machine.move_to(at(2026, 3, 9, 7, 30), tick=False)  # Monday: the report is two working days late

    periodic_checks()

    (digest,) = [m for m in _to(HEAD) if "Daily summary" in m.subject]
    body = digest.body
    assert "Readiness: Dinas Pekerjaan Umum dan Penataan Ruang is not ready (3 problems)." in body
    assert "- No operator active in the last 10 working days. No operator has ever signed in" in body
    assert "- Overdue reports waiting. 1 report is past its deadline; the oldest was due on 4 March 2026." in body
    assert "- Operator not yet trained. Not yet trained: Steven Lumenta." in body
    assert "Rule: No report dispatched to the OPD stays open past its follow-up deadline." in body
    assert "What to do:" in body
    assert "/staf/dasbor/kesiapan/dinas-pupr/" in body
    # Only their own OPD.
    assert "Dinas Kesehatan" not in body
    assert "No appointed operator" not in body


def test_the_coordinator_gets_the_opd_that_are_not_ready_once_a_day(city, english, operator_pupr, time_machine):
    trained(operator_pupr)
    signed_in(operator_pupr, at(2026, 3, 9, 7, 0))
    time_machine.move_to(at(2026, 3, 9, 6, 59), tick=False)
    periodic_checks()
    assert _readiness_digests() == []

    time_machine.move_to(at(2026, 3, 9, 7, 5), tick=False)
    periodic_checks()
    time_machine.move_to(at(2026, 3, 9, 15, 0), tick=False)
    periodic_checks()

    (digest,) = _readiness_digests()
    assert digest.subject == "OPD readiness: 1 of 13 OPD ready"
    body = digest.body
    assert "OPD readiness on Monday, 9 March 2026: 1 of 13 OPD are ready to run the applications." in body
    assert "Not ready (12 OPD)" in body
    assert "Dinas Lingkungan Hidup\n  - No appointed operator. Nobody holds the operator role for this OPD." in body
    assert "Dinas Kesehatan\n  - No operator active in the last 10 working days." in body
    assert "Dinas Pekerjaan Umum" not in body
    assert "- Operator not yet trained. Every operator has attended a Bimtek or Diklat" in body
    assert body.rstrip().endswith("/staf/dasbor/kesiapan/")
    assert NotificationLog.objects.filter(kind="readiness_digest").count() == 1

    time_machine.move_to(at(2026, 3, 10, 7, 5), tick=False)
    periodic_checks()
    assert len(_readiness_digests()) == 2


def test_nobody_else_gets_the_coordinators_readiness_digest(city, english, time_machine):
    time_machine.move_to(at(2026, 3, 9, 8, 0), tick=False)

    periodic_checks()

    receivers = {m.to[0] for m in mail.outbox if m.subject.startswith("OPD readiness")}
    assert receivers == {COORDINATOR}


def test_the_digest_is_written_in_each_readers_own_language(city, coordinator, time_machine):
    StaffPreference.objects.create(user=coordinator, language="id")
    time_machine.move_to(at(2026, 3, 9, 8, 0), tick=False)

    periodic_checks()

    (digest,) = _readiness_digests()
    assert digest.subject.startswith("Kesiapan OPD")
    assert "No appointed operator" not in digest.body
    assert "Senin, 9 Maret 2026" in digest.body


def test_when_every_opd_is_ready_the_coordinator_is_not_bothered_and_the_head_is_told_so(city, english, time_machine):
    _every_opd_ready(at(2026, 3, 9, 7, 0))
    time_machine.move_to(at(2026, 3, 9, 8, 0), tick=False)

    periodic_checks()

    assert _readiness_digests() == []
    (digest,) = _to(HEAD)
    assert "Readiness: Dinas Pekerjaan Umum dan Penataan Ruang is ready to run the applications" in digest.body


def test_a_coordinator_with_two_roles_gets_one_readiness_digest(city, english, coordinator, time_machine):
    from balai.core.services import membership_grant

    membership_grant(actor=None, user=coordinator, unit=Unit.objects.get(slug="setda"), role=Role.KOORDINATOR)
    time_machine.move_to(at(2026, 3, 9, 8, 0), tick=False)

    periodic_checks()
    periodic_checks()

    assert len(_readiness_digests()) == 1


def test_the_heads_digest_has_a_line_for_every_module_from_the_readiness_table(
    city, english, operator_pupr, coordinator, time_machine
):
    late_report(coordinator)
    time_machine.move_to(at(2026, 3, 9, 7, 30), tick=False)

    periodic_checks()

    (digest,) = [m for m in _to(HEAD) if "Daily summary" in m.subject]
    assert "Citizen reports: 1 operator(s), 0 trained; 1 in hand, 1 overdue." in digest.body
