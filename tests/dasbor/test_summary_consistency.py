"""The summary tables always equal a full recomputation from the reports, whatever the services did."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balai.core.models import CalendarDay, CalendarDayKind, Unit
from balai.dasbor.models import StatCell
from balai.dasbor.summary import backlog_fold, summary_drift, summary_rebuild
from balai.lapor import services
from balai.lapor.models import ArchiveReason, Category, FixedAnswer, Report, Weight
from tests.factories import make_report
from tests.periodic import periodic_checks

WITA = ZoneInfo("Asia/Makassar")
START = datetime(2026, 3, 16, 9, 0, tzinfo=WITA)  # just before Nyepi and Idul Fitri 2026: holidays ahead

# What can be tried on a report in each state; a step on a closed report (or past the last) submits a new one.
APPLICABLE = {
    "diterima": ["verify", "verify_dispatch", "clarify", "archive", "not_ours", "merge", "fold"],
    "ditunda": ["answer", "verify_dispatch", "archive"],
    "diverifikasi": ["dispatch", "clarify", "archive", "fold"],
    "didisposisikan": ["accept", "return", "fold"],
    "diproses": ["finish", "return", "finish"],
    "selesai": ["reopen", "rate", "ask_fixed", "answer_fixed"],
}


def _act(action: str, report: Report | None, other: Report | None, coordinator: Any, pick: int) -> None:
    units = list(Unit.objects.filter(slug__in=["dinas-pupr", "dinkes"]).order_by("slug"))
    categories = list(Category.objects.order_by("pk")[:3])
    if action == "submit" or report is None:
        make_report(category=categories[pick % 3], is_confidential=pick == 2)
        return
    report.refresh_from_db()
    common = {"report": report, "actor": coordinator, "version": None}
    if action == "verify":
        services.report_verify(
            **common, kind=report.kind, category=categories[pick % 3], weight=Weight.RINGAN,
            public_title=report.title, is_anonymous=False, is_confidential=pick == 2,
        )  # fmt: skip
    elif action == "verify_dispatch":
        services.report_verify(
            **common, kind=report.kind, category=report.category, weight=[Weight.RINGAN, Weight.NORMATIF][pick % 2],
            public_title=report.title, is_anonymous=False, is_confidential=report.is_confidential,
            lead_unit=units[pick % 2],
        )  # fmt: skip
    elif action == "dispatch":
        services.report_dispatch(**common, lead_unit=units[pick % 2])
    elif action == "clarify":
        services.report_request_clarification(**common, question="Di RT berapa?")
    elif action == "answer":
        services.report_answer_clarification(report=report, answer="RT 3")
    elif action == "archive":
        services.report_archive(**common, reason=ArchiveReason.SPAM)
    elif action == "not_ours":
        services.report_mark_not_authority(**common, referral="Balai Wilayah Sungai")
    elif action == "accept":
        services.report_accept(**common)
    elif action == "finish":
        services.report_finish(**common, answer="Sudah diperbaiki.")
    elif action == "return":
        services.report_return(**common, reason="Bukan urusan kami.")
    elif action == "reopen":
        services.report_reopen(report=report, reason="Belum beres.")
    elif action == "rate":
        services.report_rate(report=report, rating=1 + pick % 5)
    elif action == "ask_fixed":
        periodic_checks()
    elif action == "answer_fixed":
        services.report_answer_questionnaire(report=report, fixed=[FixedAnswer.YES, FixedAnswer.NO][pick % 2])
    elif action == "merge" and other is not None and other.pk != report.pk:
        services.report_merge(duplicate=report, target=other, actor=coordinator, version=None)
    elif action == "fold":
        backlog_fold()  # as the worker does every few minutes: reports closed afterwards leave negative cells


steps = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), st.integers(0, 2), st.integers(0, 30)),
    min_size=1,
    max_size=30,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_summary_equals_recomputation_after_any_sequence_of_services(
    steps: list[Any], city: Any, coordinator: Any
) -> None:
    with transaction.atomic():
        moment = START
        for which, choice, other, pick, hours in steps:
            moment += timedelta(hours=hours * 7)  # up to ~9 days a step: weeks, months and holidays are crossed
            with time_machine.travel(moment, tick=False):
                reports = list(Report.objects.order_by("pk"))
                report = reports[which] if which < len(reports) else None
                actions = APPLICABLE.get(report.status, []) if report is not None else []
                action = actions[choice % len(actions)] if actions else "submit"
                target = reports[other % len(reports)] if reports else None
                # Refused in this state: nothing may have changed, which the check below also covers.
                with contextlib.suppress(services.ActionError):
                    _act(action, report, target, coordinator, pick)
        assert summary_drift() == []
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_refused_action_leaves_the_summary_untouched(city: Any, coordinator: Any) -> None:
    report = make_report()
    before = list(StatCell.objects.order_by("pk").values())
    with pytest.raises(services.ActionError):
        services.report_accept(report=report, actor=coordinator, version=None)  # not dispatched yet
    assert list(StatCell.objects.order_by("pk").values()) == before
    assert summary_drift() == []


@pytest.mark.django_db(transaction=True)  # the real worker closes connections, as between tasks
def test_rebuild_follows_a_change_of_the_holiday_calendar(
    city: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=WITA), tick=False):  # Monday
        report = make_report()
    with time_machine.travel(datetime(2026, 6, 3, 9, tzinfo=WITA), tick=False):  # Wednesday: 2 working days
        services.report_verify(
            report=report, actor=coordinator, version=None, kind=report.kind, category=report.category,
            weight=Weight.RINGAN, public_title=report.title, is_anonymous=False, is_confidential=False,
        )  # fmt: skip
    assert summary_drift() == []
    # The Pemda declares Tuesday a local day off: the report took one working day, not two.
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2026, 6, 2), kind=CalendarDayKind.LIBUR, name="Hari jadi kota")
    assert summary_drift() != []  # stale until the worker has run the rebuild the change queued
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert summary_drift() == []
    from balai.dasbor.models import DurationCell

    assert set(DurationCell.objects.filter(dimension="all", measure="verify").values_list("days", "reports")) == {
        (1, 1)
    }
    assert summary_rebuild() == 1


@pytest.mark.django_db
def test_summary_command_finds_drift_and_rebuild_repairs_it(city: Any, capsys: Any) -> None:
    make_report()
    call_command("summary", "check")
    StatCell.objects.filter(grain="M").update(received=7)
    with pytest.raises(SystemExit):
        call_command("summary", "check")
    assert "differ from the reports" in capsys.readouterr().out
    call_command("summary", "rebuild")
    call_command("summary", "check")
    assert StatCell.objects.get(grain="M").received == 1


@pytest.mark.django_db
def test_folding_past_deadlines_keeps_every_figure_and_shrinks_the_backlog(
    publish_on_arrival: Any, coordinator: Any
) -> None:
    from balai.dasbor.models import BacklogCell
    from balai.dasbor.selectors import Filters, OpenNow, Reach
    from balai.dasbor.summary import FOLDED_DEADLINE

    category = Category.objects.order_by("pk").first()
    for day in range(1, 8):  # received on seven different days: seven verification deadlines, all long past
        with time_machine.travel(datetime(2026, 6, day, 9, tzinfo=WITA), tick=False):
            make_report(category=category)
    late_report = Report.objects.order_by("pk").last()
    with time_machine.travel(datetime(2026, 9, 1, 9, tzinfo=WITA), tick=False):
        before = OpenNow.read(Reach.everyone()).totals(Filters())
        cells_before = BacklogCell.objects.count()
        assert backlog_fold() == cells_before  # all deadlines passed: every cell folded
        assert BacklogCell.objects.exclude(deadline=FOLDED_DEADLINE).count() == 0
        assert BacklogCell.objects.count() < cells_before
        assert OpenNow.read(Reach.everyone()).totals(Filters()) == before
        assert before[None]["verify_overdue_now"] == 7
        assert summary_drift() == []
        # A report closed after the fold takes its count off its own (folded) deadline: a negative cell...
        services.report_archive(report=late_report, actor=coordinator, version=None, reason=ArchiveReason.SPAM)
        assert BacklogCell.objects.filter(reports__lt=0).count() == 1
        assert OpenNow.read(Reach.everyone()).totals(Filters())[None]["verify_overdue_now"] == 6
        assert summary_drift() == []
        # ...that the next fold sums away.
        assert backlog_fold() == 1
        assert not BacklogCell.objects.filter(reports__lt=0).exists()
        assert OpenNow.read(Reach.everyone()).totals(Filters())[None]["verify_overdue_now"] == 6
        assert summary_drift() == []
        assert backlog_fold() == 0
