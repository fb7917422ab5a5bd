"""The coordinator verifies a report (classifies it, writes its public text) and dispatches it to an OPD."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from balai.core.models import AuditEvent, Unit, UnitKind
from balai.core.selectors import work_calendar
from balai.lapor import services
from balai.lapor.models import (
    WEIGHT_WORKING_DAYS,
    ArchiveReason,
    Category,
    EventKind,
    FixedAnswer,
    Report,
    ReportEvent,
    ReportKind,
    Status,
    Weight,
)
from balai.lapor.services import ActionError
from tests.factories import make_report

from .steps import (
    client_for,
    dispatched,
    fresh,
    in_state,
    pdf_bytes,
    post_action,
    text,
    unit,
    upload,
    verified,
)
from .verify_form import verify_form

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")  # the demo city, Kota Bitung


def test_verifying_sets_kind_category_weight_public_text_and_flags_and_keeps_the_reporters_own_words(city, coordinator):
    report = make_report(
        title="Jalan depan rumah saya rusak parah sekali pak",
        description="Sudah tiga bulan jalan di depan rumah saya di Girian Bawah berlubang besar.",
    )
    drainase = Category.objects.get(slug="drainase")

    response = post_action(
        client_for(coordinator),
        report,
        "verify",
        verify_form(
            report,
            kind=ReportKind.ASPIRASI,
            category=drainase.pk,
            weight=Weight.RINGAN,
            public_title="Jalan berlubang di Girian Bawah",
            public_description="Lubang besar di jalan lingkungan Girian Bawah, sudah tiga bulan.",
            is_anonymous="on",
            is_confidential="on",
        ),
    )

    assert response.status_code == 302
    assert response.url == f"/staf/laporan/{report.code}/#main"
    report = fresh(report)
    assert report.status == Status.DIVERIFIKASI
    assert (report.kind, report.category, report.weight) == (ReportKind.ASPIRASI, drainase, Weight.RINGAN)
    assert report.public_title == "Jalan berlubang di Girian Bawah"
    assert report.public_description == "Lubang besar di jalan lingkungan Girian Bawah, sudah tiga bulan."
    assert report.is_anonymous and report.is_confidential
    assert report.verified_at is not None
    assert report.lead_unit is None and report.due_at is None, "verified only: nobody is handling it yet"
    # The reporter's own words are kept as they wrote them, and the coordinator still reads them.
    assert report.title == "Jalan depan rumah saya rusak parah sekali pak"
    assert report.description == "Sudah tiga bulan jalan di depan rumah saya di Girian Bawah berlubang besar."
    page = text(client_for(coordinator).get(f"/staf/laporan/{report.code}/"))
    assert "Jalan depan rumah saya rusak parah sekali pak" in page
    assert "Sudah tiga bulan jalan di depan rumah saya" in page


def test_the_public_page_shows_the_coordinators_public_text_instead_of_the_reporters(city, coordinator):
    report = make_report(title="Tolong pak jalan rusak dekat warung Bu Tini", description="Rusak, bahaya, cepat!!")
    verified(
        report,
        coordinator,
        public_title="Jalan rusak di Jl. Garuda",
        public_description="Aspal mengelupas sepanjang sepuluh meter.",
    )

    page = text(client_for().get(f"/laporan/{report.code}/"))

    assert "Jalan rusak di Jl. Garuda" in page
    assert "Aspal mengelupas sepanjang sepuluh meter." in page
    assert "warung Bu Tini" not in page
    assert "Rusak, bahaya, cepat!!" not in page


@pytest.mark.parametrize(
    ("weight", "local_due"),
    [
        # Thursday 12 March 2026, 10:00 WITA: 2 working days are Friday and Monday.
        (Weight.RINGAN, datetime(2026, 3, 16, 23, 59, 59, tzinfo=WITA)),
        # 5 working days: Fri 13, Mon 16, Tue 17, then Nyepi and Idul Fitri (18-24 March), Wed 25, Thu 26.
        (Weight.NORMATIF, datetime(2026, 3, 26, 23, 59, 59, tzinfo=WITA)),
        (Weight.TIDAK_BERKADAR, None),
        (Weight.BERKADAR, None),
    ],
)
def test_verifying_with_a_lead_opd_dispatches_in_the_same_step_due_in_the_weights_working_days(
    city, coordinator, time_machine, weight, local_due
):
    now = datetime(2026, 3, 12, 10, 0, tzinfo=WITA)
    time_machine.move_to(now, tick=False)
    report = make_report()

    response = post_action(
        client_for(coordinator),
        report,
        "verify",
        verify_form(
            report,
            weight=weight,
            public_title="Jalan berlubang di Jl. Sam Ratulangi",
            lead_unit=unit("dinas-pupr").pk,
            supporting_units=[unit("dishub").pk],
            instruction="Mohon cek bersama Dishub.",
        ),
    )

    assert response.status_code == 302
    report = fresh(report)
    assert report.status == Status.DIDISPOSISIKAN
    assert report.lead_unit == unit("dinas-pupr")
    assert list(report.supporting_units.all()) == [unit("dishub")]
    assert report.dispatched_at == now
    expected = work_calendar(city).add_working_days(now, WEIGHT_WORKING_DAYS[weight])
    assert report.due_at == expected
    if local_due is not None:
        assert report.due_at == local_due, "counted by hand, with the 2026 holidays"
    steps = list(report.events.filter(kind=EventKind.STATUS).values_list("to_status", flat=True))
    assert steps == [Status.DITERIMA, Status.DIVERIFIKASI, Status.DIDISPOSISIKAN]
    instruction = report.events.get(kind=EventKind.NOTE)
    assert (instruction.note, instruction.is_public) == ("Mohon cek bersama Dishub.", False)


def test_the_dispatch_form_sends_a_verified_report_to_an_opd(city, coordinator, time_machine):
    now = datetime(2026, 3, 2, 9, 0, tzinfo=WITA)  # Monday
    time_machine.move_to(now, tick=False)
    report = verified(make_report(), coordinator, weight=Weight.RINGAN)

    response = post_action(client_for(coordinator), report, "dispatch", {"lead_unit": unit("dinas-pupr").pk})

    assert response.status_code == 302
    report = fresh(report)
    assert (report.status, report.lead_unit) == (Status.DIDISPOSISIKAN, unit("dinas-pupr"))
    assert report.due_at == datetime(2026, 3, 4, 23, 59, 59, tzinfo=WITA)


def test_dispatching_to_a_unit_that_is_not_an_opd_is_refused(city, coordinator):
    report = verified(make_report(), coordinator)
    kecamatan_office = Unit.objects.filter(kind=UnitKind.KECAMATAN).first()
    assert kecamatan_office is not None

    with pytest.raises(ActionError, match="Choose an active OPD"):
        services.report_dispatch(report=report, actor=coordinator, version=None, lead_unit=kecamatan_office)

    report = fresh(report)
    assert (report.status, report.lead_unit, report.due_at) == (Status.DIVERIFIKASI, None, None)
    assert not AuditEvent.objects.filter(action="report.dispatch").exists()


def test_dispatching_to_an_inactive_opd_is_refused_by_the_service_and_the_form(city, coordinator):
    report = verified(make_report(), coordinator)
    closed = unit("dinas-pupr")
    closed.is_active = False
    closed.save(update_fields=["is_active"])

    with pytest.raises(ActionError, match="Choose an active OPD"):
        services.report_dispatch(report=report, actor=coordinator, version=None, lead_unit=closed)
    response = post_action(
        client_for(coordinator), report, "dispatch", {"lead_unit": closed.pk, "instruction": "Segera ditangani."}
    )

    assert response.status_code == 400
    page = text(response)
    assert "Select a valid choice" in page
    assert "Segera ditangani." in page, "what the coordinator typed is kept"
    assert fresh(report).status == Status.DIVERIFIKASI


def test_a_supporting_opd_sees_the_report_in_its_inbox_and_can_read_it(city, coordinator, operator_dinkes):
    report = dispatched(make_report(title="Genangan air dekat Puskesmas Girian"), coordinator, supporting=["dinkes"])
    dinkes = client_for(operator_dinkes)

    inbox = text(dinkes.get("/staf/laporan/"))
    page = dinkes.get(f"/staf/laporan/{report.code}/")

    assert report.code in inbox
    assert page.status_code == 200
    assert "Genangan air dekat Puskesmas Girian" in text(page)


def test_an_opd_that_is_neither_lead_nor_support_does_not_see_the_report(city, coordinator, operator_dinkes):
    report = dispatched(make_report(), coordinator, supporting=["dishub"])
    dinkes = client_for(operator_dinkes)

    assert report.code not in text(dinkes.get("/staf/laporan/"))
    assert dinkes.get(f"/staf/laporan/{report.code}/").status_code == 404


# Every action leaves a trace: one timeline event and one audit event with the person who did it.


ACTIONS: list[tuple[str, str, str, str]] = [
    # (name, state before, audit action, timeline event kind)
    ("verify", "diterima", "report.verify", EventKind.STATUS),
    ("dispatch", "diverifikasi", "report.dispatch", EventKind.STATUS),
    ("clarify", "diterima", "report.request_clarification", EventKind.STATUS),
    ("not_authority", "diterima", "report.not_authority", EventKind.STATUS),
    ("archive", "diterima", "report.archive", EventKind.STATUS),
    ("merge", "diterima", "report.archive", EventKind.STATUS),
    ("accept", "didisposisikan", "report.accept", EventKind.STATUS),
    ("note", "didisposisikan", "report.note", EventKind.NOTE),
    ("respond", "diproses", "report.respond", EventKind.RESPONSE),
    ("finish", "diproses", "report.finish", EventKind.STATUS),
    ("return", "diproses", "report.return", EventKind.STATUS),
    ("attach", "diproses", "report.attach", EventKind.NOTE),
    ("reporter_clarify", "ditunda", "report.clarify", EventKind.REPORTER),
    ("reporter_rate", "selesai", "report.rate", EventKind.RATING),
    ("reporter_reopen", "selesai", "report.reopen", EventKind.REPORTER),
    ("reporter_questionnaire", "selesai", "report.questionnaire", EventKind.REPORTER),
]


def _do(name: str, report: Report, coordinator: Any, operator: Any) -> Any:
    """Do the action as the person whose job it is; the actor the audit must name (None: the reporter)."""
    common = {"report": report, "version": fresh(report).version}
    if name == "verify":
        verified(report, coordinator)
        return coordinator
    if name == "dispatch":
        services.report_dispatch(**common, actor=coordinator, lead_unit=unit("dinas-pupr"))
        return coordinator
    if name == "clarify":
        services.report_request_clarification(**common, actor=coordinator, question="Di RT berapa?")
        return coordinator
    if name == "not_authority":
        services.report_mark_not_authority(**common, actor=coordinator, referral="BPJN Sulawesi Utara")
        return coordinator
    if name == "archive":
        services.report_archive(**common, actor=coordinator, reason=ArchiveReason.TOO_GENERAL)
        return coordinator
    if name == "merge":
        services.report_merge(
            duplicate=report,
            target=make_report(title="Jalan berlubang yang sama, dilaporkan lebih dulu"),
            actor=coordinator,
            version=common["version"],
        )
        return coordinator
    if name == "accept":
        services.report_accept(**common, actor=operator)
        return operator
    if name in ("note", "respond"):
        services.report_add_note(**common, actor=operator, text="Tim sudah ke lokasi.", public=name == "respond")
        return operator
    if name == "finish":
        services.report_finish(**common, actor=operator, answer="Sudah ditambal.")
        return operator
    if name == "return":
        services.report_return(**common, actor=operator, reason="Ini jalan provinsi.")
        return operator
    if name == "attach":
        services.report_attach(**common, actor=operator, upload=upload("berita-acara.pdf", pdf_bytes()), is_public=True)
        return operator
    if name == "reporter_clarify":
        services.report_answer_clarification(report=report, answer="RT 3, depan masjid.")
    elif name == "reporter_rate":
        services.report_rate(report=report, rating=4)
    elif name == "reporter_reopen":
        services.report_reopen(report=report, reason="Lubangnya muncul lagi.")
    elif name == "reporter_questionnaire":
        services.report_answer_questionnaire(report=report, fixed=FixedAnswer.YES)
    return None


@pytest.mark.parametrize(("name", "state", "audit_action", "event_kind"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_every_action_writes_a_timeline_event_and_an_audit_event(
    city, coordinator, operator_pupr, name, state, audit_action, event_kind
):
    report = in_state(state, coordinator, operator_pupr)
    assert report.status == state
    events_before = set(ReportEvent.objects.filter(report=report).values_list("pk", flat=True))
    audits_before = set(AuditEvent.objects.filter(object_id=report.code).values_list("pk", flat=True))

    actor = _do(name, report, coordinator, operator_pupr)

    new_events = ReportEvent.objects.filter(report=report).exclude(pk__in=events_before)
    assert new_events.filter(kind=event_kind).exists()
    if actor is not None:
        assert all(e.actor == actor for e in new_events)
    audit = AuditEvent.objects.filter(object_id=report.code, action=audit_action).exclude(pk__in=audits_before)
    assert audit.count() == 1
    assert audit.get().actor == actor
    assert audit.get().actor_label == (actor.get_username() if actor else "pelapor")
