"""Every action on a report costs the same number of queries whatever the length of its history: a report with
one event and one with thirty take exactly as many."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.lapor import services
from balai.lapor.models import ArchiveReason, FixedAnswer, Report, ReportEvent, Status, Weight
from tests.factories import make_report

from .steps import in_state, unit

pytestmark = pytest.mark.django_db

Act = Callable[[Any, Any, Any], Any]

ACTIONS: list[tuple[str, str, Act]] = [
    ("verify", Status.DITERIMA, lambda r, c, o: services.report_verify(
        report=r, actor=c, version=None, kind=r.kind, category=r.category, weight=Weight.NORMATIF,
        public_title=r.title, is_anonymous=False, is_confidential=False)),
    ("verify and dispatch", Status.DITERIMA, lambda r, c, o: services.report_verify(
        report=r, actor=c, version=None, kind=r.kind, category=r.category, weight=Weight.NORMATIF,
        public_title=r.title, is_anonymous=False, is_confidential=False, lead_unit=unit("dinas-pupr"))),
    ("dispatch", Status.DIVERIFIKASI, lambda r, c, o: services.report_dispatch(
        report=r, actor=c, version=None, lead_unit=unit("dinas-pupr"))),
    ("clarify", Status.DITERIMA, lambda r, c, o: services.report_request_clarification(
        report=r, actor=c, version=None, question="Di RT berapa?")),
    ("not authority", Status.DITERIMA, lambda r, c, o: services.report_mark_not_authority(
        report=r, actor=c, version=None, referral="Polres Bitung")),
    ("archive", Status.DITERIMA, lambda r, c, o: services.report_archive(
        report=r, actor=c, version=None, reason=ArchiveReason.TOO_GENERAL)),
    ("note", Status.DITERIMA, lambda r, c, o: services.report_add_note(
        report=r, actor=c, version=None, text="Cek lokasi.", public=False)),
    ("accept", Status.DIDISPOSISIKAN, lambda r, c, o: services.report_accept(report=r, actor=o, version=None)),
    ("respond", Status.DIPROSES, lambda r, c, o: services.report_add_note(
        report=r, actor=o, version=None, text="Tim sudah ke lokasi.", public=True)),
    ("finish", Status.DIPROSES, lambda r, c, o: services.report_finish(
        report=r, actor=o, version=None, answer="Sudah ditambal.")),
    ("return", Status.DIPROSES, lambda r, c, o: services.report_return(
        report=r, actor=o, version=None, reason="Bukan jalan kota.")),
    ("answer clarification", Status.DITUNDA, lambda r, c, o: services.report_answer_clarification(
        report=r, answer="RT 3.")),
    ("reporter message", Status.DIPROSES, lambda r, c, o: services.report_reporter_message(
        report=r, text="Masih berlubang.", channel="email")),
    ("rate", Status.SELESAI, lambda r, c, o: services.report_rate(report=r, rating=5)),
    ("reopen", Status.SELESAI, lambda r, c, o: services.report_reopen(report=r, reason="Belum beres.")),
    ("questionnaire", Status.SELESAI, lambda r, c, o: services.report_answer_questionnaire(
        report=r, fixed=FixedAnswer.YES)),
    ("unsubscribe", Status.DITERIMA, lambda r, c, o: services.report_unsubscribe(report=r)),
    ("escalate", Status.DIPROSES, lambda r, c, o: services.report_escalate(
        report=r, kind="overdue_head", key=f"{r.code}:x")),
    ("system note", Status.DITERIMA, lambda r, c, o: services.report_add_system_note(report=r, text="Catatan.")),
]  # fmt: skip


def _with_history(state: str, coordinator: Any, operator: Any, events: int) -> Any:
    report = in_state(state, coordinator, operator)
    have = ReportEvent.objects.filter(report=report).count()
    for number in range(max(events - have, 0)):
        services.report_add_system_note(report=report, text=f"Catatan {number}.")
    assert ReportEvent.objects.filter(report=report).count() >= events
    # As the other report is held: fresh from the database, its category loaded (the verify form has it).
    return Report.objects.select_related("category").get(pk=report.pk)


def _queries(act: Act, report: Any, coordinator: Any, operator: Any) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        act(report, coordinator, operator)
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(("name", "state", "act"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_an_action_costs_the_same_queries_with_one_event_and_with_thirty(
    city, coordinator, operator_pupr, name, state, act
):
    short = _with_history(state, coordinator, operator_pupr, 1)
    long = _with_history(state, coordinator, operator_pupr, 30)
    # One run first, so that what a process reads once (the calendar, the Pemda) is read before counting.
    act(in_state(state, coordinator, operator_pupr), coordinator, operator_pupr)

    with_one = _queries(act, short, coordinator, operator_pupr)
    with_thirty = _queries(act, long, coordinator, operator_pupr)

    assert len(with_one) == len(with_thirty), (name, with_one, with_thirty)
    assert len(with_one) <= 40, name


def test_merging_costs_the_same_queries_whatever_either_report_has_behind_it(city, coordinator, operator_pupr):
    def merge(duplicate: Any, target: Any) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            services.report_merge(duplicate=duplicate, target=target, actor=coordinator, version=None)
        return [q["sql"] for q in captured.captured_queries]

    merge(make_report(), make_report())
    short = merge(make_report(), make_report())
    long = merge(
        _with_history(Status.DITERIMA, coordinator, operator_pupr, 30),
        _with_history(Status.DITERIMA, coordinator, operator_pupr, 30),
    )
    assert len(short) == len(long)
