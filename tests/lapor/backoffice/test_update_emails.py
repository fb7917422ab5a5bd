"""Each email to the reporter describes the event that caused it, in the reporter's language, however late it goes out."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from balai.lapor import services
from balai.lapor.models import ArchiveReason
from tests.factories import make_report
from tests.periodic import run_queued

from .steps import dispatched

pytestmark = pytest.mark.django_db

REPORTER = "warga@example.id"


def to_reporter() -> list[Any]:
    run_queued()
    return [m for m in mail.outbox if m.to == [REPORTER]]


def test_each_email_tells_its_own_event_though_all_go_out_after_the_last(
    city: Any, coordinator: Any, operator_pupr: Any
) -> None:
    report = make_report(reporter_email=REPORTER, language="en")
    report = dispatched(report, coordinator)
    report = services.report_accept(report=report, actor=operator_pupr, version=None)
    services.report_add_note(report=report, actor=operator_pupr, version=None, text="Dijadwalkan Kamis.", public=True)
    services.report_finish(report=report, actor=operator_pupr, version=None, answer="Lubang sudah ditambal.")

    _received, *updates = to_reporter()

    code = report.code
    assert [m.subject for m in updates] == [
        f"Your report {code} was sent to the OPD in charge",
        f"Work has started on your report {code}",
        f"New answer on your report {code}",
        f"Your report {code} is finished",
    ]
    sent, working, answer, finished = (m.body for m in updates)
    assert "Status: Dispatched" in sent and "Sent to Dinas Pekerjaan Umum dan Penataan Ruang" in sent
    assert "Status: In progress" in working and "The OPD is working on it." in working
    assert "Status:" not in answer and "Dijadwalkan Kamis." in answer
    assert "Status: Finished" in finished and "Lubang sudah ditambal." in finished


def test_a_question_still_asks_when_the_email_goes_out_after_the_answer(city: Any, coordinator: Any) -> None:
    report = make_report(reporter_email=REPORTER, language="en")
    report = services.report_request_clarification(
        report=report, actor=coordinator, version=None, question="Di RT berapa?"
    )
    services.report_answer_clarification(report=report, answer="RT 03.")

    question = to_reporter()[-1]

    assert question.subject == f"A question about your report {report.code}"
    assert "Status: Awaiting clarification" in question.body
    assert "Di RT berapa?" in question.body
    assert "Please answer the question with your private link:" in question.body


def test_the_event_is_worded_in_the_reporters_language_not_the_officers(city: Any, coordinator: Any) -> None:
    # The back office tests run in English (conftest): the officer works in English, the reporter reads Indonesian.
    report = dispatched(make_report(reporter_email=REPORTER), coordinator)

    sent = to_reporter()[-1]

    assert sent.subject == f"Laporan Anda {report.code} telah diteruskan ke OPD yang menangani"
    assert "Status: Didisposisikan" in sent.body
    assert "Diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang untuk ditindaklanjuti." in sent.body
    assert "Sent to" not in sent.body


def test_closing_and_referring_emails_give_the_reason_in_the_reporters_language(city: Any, coordinator: Any) -> None:
    closed = make_report(reporter_email=REPORTER)
    services.report_archive(report=closed, actor=coordinator, version=None, reason=ArchiveReason.TOO_GENERAL)
    referred = make_report(reporter_email=REPORTER)
    services.report_mark_not_authority(report=referred, actor=coordinator, version=None, referral="Polres Bitung")

    sent = to_reporter()
    [archived] = [m for m in sent if closed.code in m.subject and "diterima" not in m.subject]
    [not_ours] = [m for m in sent if referred.code in m.subject and "diterima" not in m.subject]

    assert archived.subject == f"Laporan Anda {closed.code} ditutup"
    assert "Terlalu umum untuk ditindaklanjuti" in archived.body
    assert not_ours.subject == f"Laporan Anda {referred.code} bukan wewenang Pemda"
    assert "Bukan wewenang Pemda. Silakan menghubungi: Polres Bitung" in not_ours.body
