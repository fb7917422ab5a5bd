"""Email replies prove who sent them: only a reply carrying the report's key from Balai's own email speaks on it."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import make_msgid
from typing import Any

import pytest
from django.core import mail

from balai.api.email_intake import message_import
from balai.api.models import EmailMessageLog, EmailStatus
from balai.lapor import replies
from balai.lapor.models import EventKind, Report, Status
from balai.lapor.services import report_request_clarification
from tests.factories import jpeg_bytes, make_report
from tests.periodic import run_queued

ADDRESS = "lapor@bitungkota.go.id"
REPORTER = "maria.p@example.com"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _intake_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_ADDRESS", ADDRESS)


def sent_to_reporter() -> Message:
    """The last email Balai sent, as the reporter's mail program receives it (headers and all)."""
    run_queued()
    return message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=policy.default)


def answer(
    original: Message | None,
    *,
    sender: str = f"Maria <{REPORTER.upper()}>",
    to: str = "",
    subject: str = "",
    body: str = "Lokasinya tepat di depan Masjid Raya.",
    references: bool = True,
    photo: bool = False,
) -> bytes:
    """A reply as a mail program writes it: to the Reply-To, quoting the subject, naming the original's Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to or (original["Reply-To"] if original is not None else ADDRESS)
    message["Subject"] = subject or f"Re: {original['Subject'] if original is not None else ''}"
    message["Message-ID"] = make_msgid(domain="example.com")
    if original is not None and references:
        message["In-Reply-To"] = original["Message-ID"]
        message["References"] = original["Message-ID"]
    message.set_content(f"{body}\n\nOn Tue, 24 Nov 2026 at 10:00, Balai <noreply@bitungkota.go.id> wrote:\n> ...\n")
    if photo:
        message.add_attachment(jpeg_bytes(), maintype="image", subtype="jpeg", filename="dekat.jpg")
    return message.as_bytes()


def test_the_reporters_emails_carry_a_reply_address_with_the_reports_key(city: Any) -> None:
    report = make_report(reporter_email=REPORTER)

    received = sent_to_reporter()

    assert received["To"] == REPORTER
    assert received["Reply-To"] == f"lapor+{report.code.lower()}.{replies.reply_key(report.code)}@bitungkota.go.id"
    assert f"{report.code.lower()}.{replies.reply_key(report.code)}@bitungkota.go.id>" in received["Message-ID"]
    assert "Anda juga dapat menulis kepada kami dengan membalas email ini." in received.get_content()


def test_without_a_reporting_address_the_email_has_no_reply_address_and_does_not_invite_replies(
    city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTAKE_ADDRESS", "")
    report = make_report(reporter_email=REPORTER)

    received = sent_to_reporter()

    assert received["Reply-To"] is None
    assert f"{report.code.lower()}.{replies.reply_key(report.code)}@" in received["Message-ID"]
    assert "membalas email ini" not in received.get_content()


def test_the_key_is_secret_and_differs_per_report(city: Any, settings: Any) -> None:
    first, second = make_report(reporter_email=REPORTER), make_report(reporter_email=REPORTER)
    key = replies.reply_key(first.code)

    assert key != replies.reply_key(second.code)
    assert key not in (first.reporter_token, first.code.lower())
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    assert replies.reply_key(first.code) != key


def test_a_reply_to_balais_email_is_attached_to_the_report(city: Any) -> None:
    report = make_report(reporter_email=REPORTER)

    outcome = message_import(raw=answer(sent_to_reporter()))

    assert outcome.status == EmailStatus.ATTACHED
    assert Report.objects.count() == 1
    event = report.events.get(kind=EventKind.REPORTER)
    assert event.note == "Lokasinya tepat di depan Masjid Raya."
    assert not event.is_public
    assert EmailMessageLog.objects.get().report == report


def test_a_reply_answers_a_pending_clarification(city: Any, coordinator: Any) -> None:
    report = make_report(reporter_email=REPORTER)
    report_request_clarification(report=report, actor=coordinator, question="Di RT berapa?", version=report.version)
    question = sent_to_reporter()
    assert "Di RT berapa?" in question.get_content()

    message_import(raw=answer(question, body="RT 03 RW 02."))

    report.refresh_from_db()
    assert report.status == Status.DITERIMA
    assert report.events.get(kind=EventKind.REPORTER).note == "RT 03 RW 02."


def test_the_key_in_the_references_is_enough(city: Any) -> None:
    # Some mail programs answer the From address; a copy still reaches the reporting address.
    report = make_report(reporter_email=REPORTER)

    outcome = message_import(raw=answer(sent_to_reporter(), to=ADDRESS))

    assert (outcome.status, outcome.report_code) == (EmailStatus.ATTACHED, report.code)


def test_the_key_in_the_reply_address_is_enough(city: Any) -> None:
    report = make_report(reporter_email=REPORTER)

    outcome = message_import(raw=answer(sent_to_reporter(), references=False, subject="Tambahan"))

    assert (outcome.status, outcome.report_code) == (EmailStatus.ATTACHED, report.code)


def test_a_reply_with_a_photo_adds_it_to_the_report(city: Any) -> None:
    report = make_report(reporter_email=REPORTER, photos=1)

    message_import(raw=answer(sent_to_reporter(), photo=True, body="Ini fotonya."))

    report.refresh_from_db()
    assert report.photo_count == 2
    assert list(report.photos.values_list("position", flat=True)) == [0, 1]


def test_the_code_and_the_reporters_address_without_the_key_make_a_new_report(city: Any, coordinator: Any) -> None:
    # Anyone can write the code into a subject and the reporter's address into From.
    report = make_report(reporter_email=REPORTER)
    report_request_clarification(report=report, actor=coordinator, question="Di RT berapa?", version=report.version)

    outcome = message_import(raw=answer(None, subject=f"Re: Your report {report.code.lower()} has been received"))

    report.refresh_from_db()
    assert report.status == Status.DITUNDA
    assert not report.events.filter(kind=EventKind.REPORTER).exists()
    assert outcome.status == EmailStatus.IMPORTED
    new = Report.objects.get(code=outcome.report_code)
    note = new.events.get(kind=EventKind.NOTE, is_public=False).note
    assert report.code in note
    assert "tanpa kunci balasan" in note  # "no reply key", in the Pemda's language


def test_a_wrong_key_counts_as_none(city: Any) -> None:
    report = make_report(reporter_email=REPORTER)
    forged = f"lapor+{report.code.lower()}.{'0' * replies.KEY_LENGTH}@bitungkota.go.id"

    outcome = message_import(raw=answer(None, to=forged, subject=f"Re: {report.code}"))

    assert outcome.status == EmailStatus.IMPORTED
    assert not report.events.filter(kind=EventKind.REPORTER).exists()


def test_one_reports_key_does_not_open_another(city: Any) -> None:
    mine = make_report(reporter_email="penipu@example.com")
    key_of_mine = sent_to_reporter()
    theirs = make_report(reporter_email=REPORTER)
    forged = answer(
        key_of_mine,
        subject=f"Re: {theirs.code}",
        to=key_of_mine["Reply-To"].replace(mine.code.lower(), theirs.code.lower()),
    )

    outcome = message_import(raw=forged)

    assert outcome.status == EmailStatus.IMPORTED
    assert not theirs.events.filter(kind=EventKind.REPORTER).exists()
    assert not mine.events.filter(kind=EventKind.REPORTER).exists()


def test_the_key_from_another_address_makes_a_new_report_with_a_note(city: Any) -> None:
    # A forwarded email carries the key; whoever answers it is not the reporter.
    report = make_report(reporter_email=REPORTER)

    outcome = message_import(raw=answer(sent_to_reporter(), sender="orang.lain@example.com"))

    assert outcome.status == EmailStatus.IMPORTED
    new = Report.objects.get(code=outcome.report_code)
    assert new.reporter_email == "orang.lain@example.com"
    assert report.code in new.events.get(kind=EventKind.NOTE, is_public=False).note
    assert not report.events.filter(kind=EventKind.REPORTER).exists()


def test_a_reply_from_another_address_naming_the_code_becomes_a_new_report_with_a_note(city: Any) -> None:
    report = make_report(reporter_email=REPORTER)

    outcome = message_import(raw=answer(None, sender="orang.lain@example.com", subject=f"Re: {report.code}"))

    assert outcome.status == EmailStatus.IMPORTED
    new = Report.objects.get(code=outcome.report_code)
    assert report.code in new.events.get(kind=EventKind.NOTE, is_public=False).note
    assert not report.events.filter(kind=EventKind.REPORTER).exists()
