"""Village reports by email, end to end through the intake (balai.api.email_intake) with real RFC 5322 messages:
body fields, a filled spreadsheet, a forged sender, a mail without the key, what is missing, a reply to a return."""

from __future__ import annotations

import datetime as dt
import io
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from openpyxl import load_workbook

from balai.api.email_intake import message_import
from balai.core.access import staff_scope
from balai.desa import rules
from balai.desa.exports import template_xlsx
from balai.desa.models import IncomingMail, MailOutcome, Submission, SubmissionStatus
from balai.desa.services import submission_review, unit_reply_address

from .conftest import Cast

WITA = ZoneInfo("Asia/Makassar")
pytestmark = pytest.mark.django_db
APRIL = dt.datetime(2026, 4, 3, 10, tzinfo=WITA)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BODY = "Kelahiran: 4\nmeninggal: 1\npindah_datang: 3\npindah_keluar: 2\nkamtibmas: aman\nkegiatan: Kerja bakti.\n"


def _message(cast: Cast, *, sender: str = "kel.a@example.org", to: str | None = None, subject: str = "laporan-bulanan 2026-03",
             body: str = BODY, attachments: list[tuple[str, str, bytes]] = (), msgid: str = "<m1@example.org>") -> bytes:  # fmt: skip
    message = EmailMessage()
    message["From"] = f"Kelurahan A <{sender}>"
    message["To"] = to if to is not None else unit_reply_address(cast.kel_a.slug)
    message["Subject"] = subject
    message["Message-ID"] = msgid
    message["Date"] = "Fri, 03 Apr 2026 10:00:00 +0800"
    message.set_content(body)
    for name, kind, content in attachments:
        main, sub = kind.split("/")
        message.add_attachment(content, maintype=main, subtype=sub, filename=name)
    return bytes(message)


def _take(raw: bytes) -> IncomingMail:
    with time_machine.travel(APRIL, tick=False):
        message_import(raw=raw)
    return IncomingMail.objects.order_by("-id").first()  # type: ignore[return-value]


def test_a_body_with_the_fields_is_taken_and_receipted(cast: Cast) -> None:
    entry = _take(_message(cast))
    assert entry.outcome == MailOutcome.TAKEN
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.SENT and submission.channel == "email"
    assert submission.values["lahir"] == 4 and submission.values["kamtibmas"] == "Aman"
    receipt = next(m for m in mail.outbox if m.to == ["kel.a@example.org"])
    assert "Receipt" in receipt.subject or "Tanda terima" in receipt.subject
    assert receipt.reply_to == [unit_reply_address(cast.kel_a.slug)]
    # The same message again is not taken twice.
    _take(_message(cast))
    assert IncomingMail.objects.count() == 1 and Submission.objects.count() == 1


def test_a_filled_spreadsheet_and_a_scan_are_taken_and_a_fake_file_is_named(cast: Cast) -> None:
    workbook = load_workbook(io.BytesIO(template_xlsx(cast.report_type)))
    sheet = workbook.active
    answers = {
        "lahir": 7,
        "meninggal": 0,
        "pindah_datang": 1,
        "pindah_keluar": 1,
        "kamtibmas": "Waspada",
        "kegiatan": "Ronda",
    }
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in answers:
            row[2].value = answers[row[0].value]
    filled = io.BytesIO()
    workbook.save(filled)
    raw = _message(
        cast,
        body="Terlampir laporan bulan Maret.",
        attachments=[
            ("laporan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filled.getvalue()),
            ("lampiran-scan.pdf", "application/pdf", PDF),
        ],
    )
    entry = _take(raw)
    assert entry.outcome == MailOutcome.TAKEN
    submission = Submission.objects.get()
    assert submission.values["lahir"] == 7 and submission.values["meninggal"] == 0
    assert submission.values["kamtibmas"] == "Waspada"
    assert [(a.name, a.content_type, a.field_key) for a in submission.attachments.all()] == [
        ("lampiran-scan.pdf", "application/pdf", "lampiran")
    ]


def test_a_file_that_is_not_what_its_name_says_is_named_in_the_reply(cast: Cast) -> None:
    raw = _message(cast, attachments=[("foto.pdf", "application/pdf", b"MZ\x90\x00 not a pdf")])
    entry = _take(raw)
    assert entry.outcome == MailOutcome.ANSWERED
    reply = next(m for m in mail.outbox if m.to == ["kel.a@example.org"])
    assert "foto.pdf" in reply.body
    # What could be read is kept as a draft for the lurah to finish.
    assert Submission.objects.get().status == SubmissionStatus.DRAFT


def test_a_forged_sender_is_held_for_a_person_and_not_answered(cast: Cast) -> None:
    entry = _take(_message(cast, sender="someone@evil.example"))
    assert entry.outcome == MailOutcome.HELD
    assert "registered" in entry.reason or "terdaftar" in entry.reason
    assert entry.raw.name  # the whole message is kept for the person who decides
    assert not Submission.objects.exists()
    assert all(m.to != ["someone@evil.example"] for m in mail.outbox)
    assert [m.to for m in mail.outbox] == [["pemerintahan@example.org"]]


def test_a_mail_without_the_reply_key_is_held_even_from_the_registered_address(cast: Cast) -> None:
    entry = _take(_message(cast, to="desa@bitungkota.go.id"))
    assert entry.outcome == MailOutcome.HELD and entry.unit == cast.kel_a
    assert not Submission.objects.exists()


def test_a_wrong_key_is_held(cast: Cast) -> None:
    entry = _take(_message(cast, to=f"desa+{cast.kel_a.slug}.{'0' * 24}@bitungkota.go.id"))
    assert entry.outcome == MailOutcome.HELD and not Submission.objects.exists()


def test_missing_fields_are_answered_and_the_rest_kept_as_a_draft(cast: Cast) -> None:
    entry = _take(_message(cast, body="Kelahiran: 4\nmeninggal: dua\n"))
    assert entry.outcome == MailOutcome.ANSWERED
    reply = next(m for m in mail.outbox if m.to == ["kel.a@example.org"])
    assert "Kematian" in reply.body  # the wrong number is named by its label
    assert reply.reply_to == [unit_reply_address(cast.kel_a.slug)]
    draft = Submission.objects.get()
    assert draft.status == SubmissionStatus.DRAFT and draft.values == {"lahir": 4}


def test_a_subject_without_a_report_code_gets_a_clear_answer(cast: Cast) -> None:
    entry = _take(_message(cast, subject="Laporan bulan Maret"))
    assert entry.outcome == MailOutcome.ANSWERED
    assert "laporan-bulanan" in mail.outbox[-1].body
    assert not Submission.objects.exists()


def test_a_reply_to_the_return_note_sends_the_report_again(cast: Cast) -> None:
    _take(_message(cast))
    submission = Submission.objects.get()
    with time_machine.travel(APRIL + dt.timedelta(hours=2), tick=False):
        submission_review(
            actor=cast.camat_1,
            actors=rules.submission_actors(staff_scope(cast.camat_1), cast.kel_a),
            submission=submission,
            accept=False,
            note="Jumlah kelahiran belum benar.",
        )
    returned = next(m for m in mail.outbox if "Jumlah kelahiran" in m.body and m.to == ["kel.a@example.org"])
    quoted = "\n".join("> " + line for line in returned.body.splitlines())
    raw = _message(
        cast,
        to=returned.reply_to[0],
        subject="Re: " + returned.subject,
        body="Kelahiran: 5\n\n" + quoted,
        msgid="<m2@example.org>",
    )
    entry = _take(raw)
    assert entry.outcome == MailOutcome.TAKEN
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENT and submission.values["lahir"] == 5
    assert submission.values["meninggal"] == 1  # the fields not repeated are kept
