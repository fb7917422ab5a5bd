"""Each readiness flag is raised by exactly the facts its rule names, on hand-made data."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from balai.core.models import CalendarDay, CalendarDayKind, Membership, Role, TrainingKind
from balai.core.selectors import work_calendar
from balai.core.services import training_guide_confirm
from balai.dasbor.readiness import FlagCode, active_window_start, opd_readiness
from balai.lapor import services

from .readiness_steps import (
    acted,
    appoint,
    at,
    codes,
    late_report,
    make_opd,
    readiness_of,
    signed_in,
    trained,
)

pytestmark = pytest.mark.django_db

# Thursday 2 April 2026 in Bitung. The ten working days up to it reach back to Friday 13 March, because
# Nyepi, Idul Fitri and their cuti bersama (18 to 24 March) and the weekends do not count.
NOW = at(2026, 4, 2, 10, 0)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_ten_working_days_reach_back_over_nyepi_and_idul_fitri(city):
    assert active_window_start(work_calendar(), NOW) == date(2026, 3, 13)
    # Without holidays in between, ten working days are two calendar weeks.
    assert active_window_start(work_calendar(), at(2026, 2, 13, 10, 0)) == date(2026, 2, 2)


def test_an_opd_with_no_operator_is_flagged_no_appointed_operator_and_nothing_about_operators(city, head_pupr):
    dlh = readiness_of("dlh", NOW)

    assert codes(dlh) == ["no_operator"]
    assert not dlh.ready
    assert dlh.flags[0].title == "No appointed operator"
    assert "at least one operator" in dlh.flags[0].rule
    # A head is not an operator.
    assert codes(readiness_of("dinas-pupr", NOW))[0] != "no_operator"
    assert [c.state for c in dlh.checks] == ["fail", "na", "ok", "na"]


def test_a_deactivated_account_or_membership_does_not_count_as_an_appointed_operator(city, operator_dinkes):
    operator_dinkes.is_active = False
    operator_dinkes.save(update_fields=["is_active"])
    assert codes(readiness_of("dinkes", NOW)) == ["no_operator"]

    operator_dinkes.is_active = True
    operator_dinkes.save(update_fields=["is_active"])
    Membership.objects.filter(user=operator_dinkes, role=Role.OPERATOR).update(is_active=False)
    assert codes(readiness_of("dinkes", NOW)) == ["no_operator"]


def test_an_operator_seen_on_the_first_day_of_the_window_keeps_the_opd_active_across_the_holidays(city, operator_pupr):
    trained(operator_pupr)
    signed_in(operator_pupr, at(2026, 3, 13, 8, 0))  # Friday 13 March, 20 calendar days before

    assert readiness_of("dinas-pupr", NOW).ready


def test_an_operator_last_seen_the_day_before_the_window_leaves_the_opd_flagged_inactive(city, operator_pupr):
    trained(operator_pupr)
    signed_in(operator_pupr, at(2026, 3, 12, 16, 30))  # Thursday 12 March: eleven working days before

    pupr = readiness_of("dinas-pupr", NOW)

    assert codes(pupr) == ["inactive"]
    flag = pupr.flags[0]
    assert flag.title == "No operator active in the last 10 working days"
    assert flag.finding == (
        "The last operator activity was on 12 March 2026, by Steven Lumenta (checked from 13 March 2026)."
    )
    assert "10 working days" in flag.rule


def test_the_pemdas_own_day_off_also_stretches_the_window(city, operator_pupr):
    trained(operator_pupr)
    signed_in(operator_pupr, at(2026, 3, 12, 16, 30))
    CalendarDay.objects.create(date=date(2026, 3, 27), kind=CalendarDayKind.LIBUR, name="HUT Kota (contoh)")

    assert readiness_of("dinas-pupr", NOW).ready


def test_a_recent_action_counts_as_activity_even_without_a_recent_sign_in(city, operator_pupr):
    trained(operator_pupr)
    signed_in(operator_pupr, at(2026, 1, 5, 8, 0))
    assert codes(readiness_of("dinas-pupr", NOW)) == ["inactive"]

    acted(operator_pupr, at(2026, 4, 1, 14, 0))

    pupr = readiness_of("dinas-pupr", NOW)
    assert pupr.ready
    (operator,) = pupr.operators
    assert operator.last_action == at(2026, 4, 1, 14, 0)
    assert operator.last_seen == at(2026, 4, 1, 14, 0)


def test_one_active_operator_is_enough_for_the_opd(city, operator_pupr):
    colleague = appoint("dinas-pupr", "operator.pupr2", "Meiske Walangitan")
    trained(operator_pupr)
    trained(colleague)
    signed_in(colleague, at(2026, 4, 1, 9, 0))

    assert readiness_of("dinas-pupr", NOW).ready


def test_an_opd_whose_operators_never_signed_in_says_so(city, operator_dinkes):
    trained(operator_dinkes)

    (flag,) = readiness_of("dinkes", NOW).flags

    assert flag.code == FlagCode.INACTIVE
    assert flag.finding == "No operator has ever signed in (checked from 13 March 2026)."


def test_overdue_reports_of_the_opd_are_counted_and_only_those(city, coordinator, operator_pupr):
    trained(operator_pupr)
    signed_in(operator_pupr, at(2026, 4, 1, 9, 0))
    late = late_report(coordinator)
    also_late = late_report(coordinator, when=at(2026, 3, 9, 9, 0))  # due Wednesday 11 March
    late_report(coordinator, when=at(2026, 4, 1, 9, 0))  # due Monday 6 April (Good Friday is off): not yet late
    late_report(coordinator, lead="dinkes")  # late, but Dinkes's
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        finished = late_report(coordinator)
        services.report_accept(report=finished, actor=operator_pupr, version=None)
        services.report_finish(report=finished, actor=operator_pupr, version=None, answer="Sudah ditambal.")

    pupr = readiness_of("dinas-pupr", NOW)

    assert codes(pupr) == ["overdue"]
    assert (pupr.open, pupr.new, pupr.overdue) == (3, 3, 2)
    assert pupr.oldest_due == late.due_at
    assert pupr.flags[0].finding == "2 reports are past their deadline; the oldest was due on 4 March 2026."
    assert also_late.due_at > late.due_at

    services.report_accept(report=late, actor=operator_pupr, version=None)
    services.report_finish(report=late, actor=operator_pupr, version=None, answer="Sudah ditambal.")
    assert readiness_of("dinas-pupr", NOW).overdue == 1


def test_an_operator_without_any_training_is_flagged_by_name(city, operator_pupr):
    colleague = appoint("dinas-pupr", "operator.pupr2", "Meiske Walangitan")
    signed_in(operator_pupr, at(2026, 4, 1, 9, 0))
    trained(operator_pupr, kind=TrainingKind.DIKLAT)

    pupr = readiness_of("dinas-pupr", NOW)

    assert codes(pupr) == ["untrained"]
    assert pupr.flags[0].finding == "Not yet trained: Meiske Walangitan."
    assert pupr.trained_count == 1

    training_guide_confirm(user=colleague)
    assert readiness_of("dinas-pupr", NOW).ready


def test_every_flag_at_once_is_listed_in_order_of_seriousness(city, coordinator, operator_pupr):
    late_report(coordinator)

    assert codes(readiness_of("dinas-pupr", NOW)) == ["inactive", "overdue", "untrained"]
    assert codes(readiness_of("dishub", NOW)) == ["no_operator"]


def test_the_opd_that_cannot_work_come_first_and_the_ready_ones_last(city, coordinator, operator_pupr):
    trained(operator_pupr)
    signed_in(operator_pupr, at(2026, 4, 1, 9, 0))
    late_report(coordinator, lead="dinkes")

    summary = opd_readiness(now=NOW)

    order = [o.unit.slug for o in summary.opds]
    assert order[-1] == "dinas-pupr"
    assert summary.opds[-1].ready
    # Dinkes (never signed in, overdue, untrained) before the OPD with no operator and nothing else.
    assert order.index("dinkes") < order.index("dlh")
    assert (summary.ready_count, summary.total) == (1, 13)
    assert summary.flag_counts == {"no_operator": 11, "inactive": 1, "overdue": 1, "untrained": 1}


def test_inactive_opd_and_inactive_units_are_left_out(city):
    closed = make_opd("bapenda")
    closed.is_active = False
    closed.save(update_fields=["is_active"])

    slugs = {o.unit.slug for o in opd_readiness(now=NOW).opds}

    assert "bapenda" not in slugs
    assert all(not slug.startswith("kec-") for slug in slugs)
    assert len(slugs) == 13


def _queries():
    calendar = work_calendar()
    with CaptureQueriesContext(connection) as captured:
        summary = opd_readiness(now=NOW, calendar=calendar)
    return len(captured), summary


def test_the_readiness_of_every_opd_costs_the_same_queries_for_13_or_23_opd_and_many_operators(city, coordinator):
    few, summary = _queries()
    # The OPD; their operators and heads with each one's last action; the training; the report counts.
    assert few == 4
    assert summary.total == 13

    for index in range(10):
        opd = make_opd(f"badan-{index}")
        for number in range(3):
            user = appoint(opd.slug, f"op{index}.{number}", f"Operator {index}{number}")
            trained(user)
            trained(user, kind=TrainingKind.DIKLAT)
            signed_in(user, at(2026, 3, 30, 9, 0))
            acted(user, at(2026, 3, 31, 9, 0))
        appoint(opd.slug, f"kepala{index}", f"Kepala {index}", role=Role.PIMPINAN)
        late_report(coordinator, lead=opd.slug)

    many, summary = _queries()
    assert many == few
    assert summary.total == 23
    assert sum(len(o.operators) for o in summary.opds) == 32
