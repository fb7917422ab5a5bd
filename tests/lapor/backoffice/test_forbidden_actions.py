"""An action the report's state or the person's role does not allow is refused with a clear message, never a crash."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from balai.core.models import AuditEvent
from balai.lapor import services
from balai.lapor.models import ArchiveReason, Report, ReportEvent, Status
from balai.lapor.services import ActionError
from tests.factories import make_report

from .steps import (
    action_forms,
    client_for,
    dispatched,
    fresh,
    in_progress,
    in_state,
    post_action,
    text,
    unit,
    verified,
)

pytestmark = pytest.mark.django_db


def _trace(report: Report) -> tuple[str, int, int, int]:
    """What any change would leave behind: the state, the version, the timeline and the audit trail."""
    current = fresh(report)
    return (
        current.status,
        current.version,
        ReportEvent.objects.filter(report=report).count(),
        AuditEvent.objects.filter(object_id=report.code).count(),
    )


# (state, action, message) — the coordinator acts for the first block, the PUPR operator for the
# second, the reporter for the third; each message names what went wrong.
Act = Callable[[Report, Any, Any], Any]
REFUSALS: list[tuple[str, str, Act, str]] = [
    (
        Status.SELESAI,
        "verify a finished report",
        lambda r, c, o: verified(r, c),
        "This report is Finished now, so it cannot be verified.",
    ),
    (
        Status.DITERIMA,
        "dispatch an unverified report",
        lambda r, c, o: services.report_dispatch(report=r, actor=c, version=None, lead_unit=unit("dinas-pupr")),
        "This report is Received now, so it cannot be dispatched.",
    ),
    (
        Status.DIDISPOSISIKAN,
        "ask the reporter about a dispatched report",
        lambda r, c, o: services.report_request_clarification(report=r, actor=c, version=None, question="RT?"),
        "This report is Dispatched now, so it cannot be put on hold.",
    ),
    (
        Status.DIPROSES,
        "archive a report in progress",
        lambda r, c, o: services.report_archive(report=r, actor=c, version=None, reason=ArchiveReason.SPAM),
        "This report is In progress now, so it cannot be archived.",
    ),
    (
        Status.SELESAI,
        "declare a finished report not our authority",
        lambda r, c, o: services.report_mark_not_authority(report=r, actor=c, version=None, referral="Polres"),
        "This report is Finished now, so it cannot be referred elsewhere.",
    ),
    (
        Status.DIARSIPKAN,
        "verify an archived report",
        lambda r, c, o: verified(r, c),
        "This report is Archived now, so it cannot be verified.",
    ),
    (
        Status.DITERIMA,
        "finish a received report",
        lambda r, c, o: services.report_finish(report=r, actor=c, version=None, answer="Selesai."),
        "This report is Received now, so it cannot be finished.",
    ),
    (
        Status.DIVERIFIKASI,
        "accept a verified report nobody dispatched",
        lambda r, c, o: services.report_accept(report=r, actor=c, version=None),
        "This report is Verified now, so it cannot be accepted.",
    ),
    (
        Status.DIDISPOSISIKAN,
        "finish a report the OPD has not accepted",
        lambda r, c, o: services.report_finish(report=r, actor=o, version=None, answer="Selesai."),
        "This report is Dispatched now, so it cannot be finished.",
    ),
    (
        Status.SELESAI,
        "accept a finished report",
        lambda r, c, o: services.report_accept(report=r, actor=o, version=None),
        "This report is Finished now, so it cannot be accepted.",
    ),
    (
        Status.SELESAI,
        "answer publicly on a finished report",
        lambda r, c, o: services.report_add_note(report=r, actor=o, version=None, text="Info.", public=True),
        "This report is Finished now, so it cannot be answered.",
    ),
    (
        Status.SELESAI,
        "return a finished report",
        lambda r, c, o: services.report_return(report=r, actor=o, version=None, reason="Bukan kami."),
        "This report is Finished now, so it cannot be returned.",
    ),
    (
        Status.DIPROSES,
        "reopen a report in progress",
        lambda r, c, o: services.report_reopen(report=r, reason="Belum beres."),
        "This report is In progress now, so it cannot be reopened.",
    ),
    (
        Status.DIPROSES,
        "rate a report that is not finished",
        lambda r, c, o: services.report_rate(report=r, rating=5),
        "This report is In progress now, so it cannot be rated.",
    ),
    (
        Status.DITERIMA,
        "answer a question nobody asked",
        lambda r, c, o: services.report_answer_clarification(report=r, answer="RT 3."),
        "This report is Received now, so it cannot be answered.",
    ),
    (
        Status.DIPROSES,
        "answer the questionnaire before the report is finished",
        lambda r, c, o: services.report_answer_questionnaire(report=r, fixed="ya"),
        "This report is In progress now, so it cannot be answered.",
    ),
]


@pytest.mark.parametrize(("state", "what", "act", "message"), REFUSALS, ids=[r[1] for r in REFUSALS])
def test_an_action_the_state_does_not_allow_is_refused_with_a_message_and_changes_nothing(
    city, coordinator, operator_pupr, state, what, act, message
):
    report = in_state(state, coordinator, operator_pupr)
    before = _trace(report)

    with pytest.raises(ActionError) as refused:
        act(report, coordinator, operator_pupr)

    assert refused.value.message == message
    assert _trace(report) == before


def test_an_operator_cannot_verify(city, operator_pupr):
    report = make_report()

    with pytest.raises(ActionError, match=re.escape("Only an admin koordinator can do this.")):
        verified(report, operator_pupr)

    assert fresh(report).status == Status.DITERIMA


def test_an_operator_cannot_finish_another_opds_report(city, coordinator, operator_dinkes, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)

    with pytest.raises(ActionError, match=re.escape("Only an operator of the OPD handling this report can do this.")):
        services.report_finish(report=report, actor=operator_dinkes, version=None, answer="Selesai.")

    assert fresh(report).status == Status.DIPROSES


def test_the_head_of_the_opd_cannot_write_on_its_reports(city, coordinator, operator_pupr, head_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)
    before = _trace(report)

    with pytest.raises(ActionError, match="Only an operator"):
        services.report_finish(report=report, actor=head_pupr, version=None, answer="Selesai.")
    with pytest.raises(ActionError, match=re.escape("Only the coordinator and the handling OPD can add notes.")):
        services.report_add_note(report=report, actor=head_pupr, version=None, text="Catatan.", public=False)

    assert _trace(report) == before


def test_a_merge_into_itself_or_into_an_archived_report_is_refused(city, coordinator):
    report = make_report()
    archived = services.report_archive(report=make_report(), actor=coordinator, version=None, reason=ArchiveReason.SPAM)

    with pytest.raises(ActionError, match="cannot be merged into itself"):
        services.report_merge(duplicate=report, target=report, actor=coordinator, version=None)
    with pytest.raises(ActionError, match=re.escape("Merge into a report that is still being followed.")):
        services.report_merge(duplicate=report, target=archived, actor=coordinator, version=None)

    assert fresh(report).status == Status.DITERIMA


# Through the web: a refused action answers 409 (or 400 for a form error) with the reason on the page.

WEB_REFUSALS: list[tuple[str, str, str, dict[str, Any]]] = [
    # (state, who, action, form fields)
    (Status.DIPROSES, "coordinator", "verify", {"kind": "pengaduan", "weight": "normatif", "public_title": "Judul"}),
    (Status.SELESAI, "coordinator", "archive", {"reason": "spam", "note": "Iklan."}),
    (Status.DITERIMA, "coordinator", "dispatch", {"instruction": "Segera."}),
    (Status.DIDISPOSISIKAN, "operator", "finish", {"answer": "Sudah kami tambal kemarin sore."}),
    (Status.SELESAI, "operator", "accept", {"note": "Kami proses."}),
    (Status.SELESAI, "operator", "respond", {"text": "Petugas sudah ke lokasi."}),
    (Status.SELESAI, "operator", "return", {"reason": "Ini jalan provinsi, bukan kota."}),
]


@pytest.mark.parametrize(
    ("state", "who", "action", "fields"), WEB_REFUSALS, ids=[f"{r[2]}-{r[0]}" for r in WEB_REFUSALS]
)
def test_a_refused_action_on_the_web_answers_409_with_the_reason_and_keeps_what_was_typed(
    city, coordinator, operator_pupr, state, who, action, fields
):
    report = in_state(state, coordinator, operator_pupr)
    before = _trace(report)
    if action in ("verify", "dispatch"):
        fields = {**fields, "category": report.category_id, "lead_unit": unit("dinas-pupr").pk}

    response = post_action(client_for(coordinator if who == "coordinator" else operator_pupr), report, action, fields)

    assert response.status_code == 409
    page = text(response)
    assert "This action is not possible for this report now" in page
    typed = next(
        v for k, v in fields.items() if k in ("answer", "note", "text", "reason", "instruction", "public_title")
    )
    assert typed in page, "what the person typed is still on the page"
    assert _trace(report) == before


def test_finishing_without_an_answer_is_a_form_error_and_the_report_stays_in_progress(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)
    before = _trace(report)

    response = post_action(client_for(operator_pupr), report, "finish", {"answer": "   "})

    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert _trace(report) == before


def test_a_merge_into_an_unknown_code_answers_409_naming_the_code(city, coordinator):
    report = make_report()
    before = _trace(report)

    response = post_action(client_for(coordinator), report, "merge", {"target": "BTG-ZZZZ-ZZZZ"})

    assert response.status_code == 409
    assert "No report has the code BTG-ZZZZ-ZZZZ." in text(response)
    assert _trace(report) == before


def test_a_merge_into_itself_on_the_web_answers_409_with_the_reason(city, coordinator):
    report = make_report()

    response = post_action(client_for(coordinator), report, "merge", {"target": report.code.lower()})

    assert response.status_code == 409
    assert "A report cannot be merged into itself." in text(response)
    assert fresh(report).status == Status.DITERIMA


def test_an_unknown_action_is_not_found(city, coordinator):
    report = make_report()

    response = client_for(coordinator).post(f"/staf/laporan/{report.code}/hapus/", {"hapus-version": 1})

    assert response.status_code == 404


def test_an_operator_cannot_verify_on_the_web(city, coordinator, operator_pupr):
    # A received report is not the OPD's yet: it does not even exist for them.
    received = make_report()
    assert post_action(client_for(operator_pupr), received, "verify", {"public_title": "X"}).status_code == 404
    # A dispatched one is theirs, but verifying is not their job.
    report = dispatched(make_report(), coordinator)
    before = _trace(report)

    response = post_action(
        client_for(operator_pupr), report, "verify", {"public_title": "Judul baru", "weight": "ringan"}
    )

    assert response.status_code == 409
    assert _trace(report) == before
    assert fresh(report).public_title != "Judul baru"


# The coordinator and the OPD's follow-up. The service lets a coordinator act for the OPD
# (StaffScope.handles: "coordinators may act for them"), but the report page offers the follow-up
# actions to the OPD's operators only, and the web refuses what the page does not offer.


def test_the_report_page_does_not_offer_the_coordinator_the_opds_follow_up(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)

    coordinator_page = client_for(coordinator).get(f"/staf/laporan/{report.code}/")
    operator_page = client_for(operator_pupr).get(f"/staf/laporan/{report.code}/")

    assert set(action_forms(coordinator_page, report)) == {"note"}
    assert set(action_forms(operator_page, report)) == {"respond", "finish", "attach", "return", "note"}


def test_a_coordinator_cannot_finish_for_the_opd_on_the_web(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)
    before = _trace(report)

    response = post_action(client_for(coordinator), report, "finish", {"answer": "Sudah selesai."})

    assert response.status_code == 409
    assert _trace(report) == before


def test_the_finish_service_lets_a_coordinator_act_for_the_opd(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)

    services.report_finish(report=report, actor=coordinator, version=None, answer="Diselesaikan oleh koordinator.")

    assert fresh(report).status == Status.SELESAI


# The pimpinan of a leadership unit (Setda) reads every report and acts on none.


@pytest.mark.parametrize(
    "state",
    [Status.DITERIMA, Status.DITUNDA, Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DIPROSES, Status.SELESAI],
)
def test_the_pimpinan_reads_every_report_and_is_offered_no_action(city, coordinator, operator_pupr, pimpinan, state):
    report = in_state(state, coordinator, operator_pupr)
    client = client_for(pimpinan)

    page = client.get(f"/staf/laporan/{report.code}/")

    assert page.status_code == 200
    assert report.title in text(page)
    assert action_forms(page, report) == []
    assert report.code in text(client.get("/staf/laporan/?status=all"))


@pytest.mark.parametrize(
    ("state", "action", "fields"),
    [
        (Status.DITERIMA, "archive", {"reason": "spam"}),
        (Status.DIPROSES, "finish", {"answer": "Selesai."}),
        (Status.DIPROSES, "note", {"text": "Catatan pimpinan."}),
    ],
)
def test_the_pimpinan_is_refused_every_action_on_the_web(
    city, coordinator, operator_pupr, pimpinan, state, action, fields
):
    report = in_state(state, coordinator, operator_pupr)
    before = _trace(report)

    response = post_action(client_for(pimpinan), report, action, fields)

    assert response.status_code == 409
    assert _trace(report) == before


def test_the_pimpinan_cannot_use_bulk_actions(city, pimpinan):
    report = make_report()

    response = client_for(pimpinan).post("/staf/laporan/massal/", {"codes": [report.code], "action": "archive_spam"})

    assert response.status_code == 403
    assert fresh(report).status == Status.DITERIMA
