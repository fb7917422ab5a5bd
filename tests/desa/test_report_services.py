"""The village report's one write path: drafts, sending, the camat's review, the mayor's office, audit, emails."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from balai.core.access import staff_scope
from balai.core.models import AuditEvent
from balai.desa import rules
from balai.desa.models import NoteKind, Submission, SubmissionStatus
from balai.desa.services import (
    DesaError,
    submission_note,
    submission_review,
    submission_save,
    submission_to_opd,
    values_clean,
)

from .conftest import FULL, Cast

WITA = ZoneInfo("Asia/Makassar")
pytestmark = pytest.mark.django_db


def _actors(user, unit):
    return rules.submission_actors(staff_scope(user), unit)


def _send(cast: Cast, values: dict, *, send: bool = True, at: dt.datetime | None = None) -> Submission:
    clean, errors = values_clean(cast.report_type, values)
    assert not errors
    with time_machine.travel(at or dt.datetime(2026, 4, 2, 9, tzinfo=WITA), tick=False):
        return submission_save(
            actor=cast.lurah_a,
            actors=_actors(cast.lurah_a, cast.kel_a),
            unit=cast.kel_a,
            report_type=cast.report_type,
            period_key="2026-03",
            values=clean,
            send=send,
        )


def test_typed_values_are_read_the_indonesian_way(cast: Cast) -> None:
    values, errors = values_clean(cast.report_type, {"lahir": "1.200", "kamtibmas": "aman", "meninggal": "dua"})
    assert values == {"lahir": 1200, "kamtibmas": "Aman"}
    assert "meninggal" in errors


def test_a_draft_is_kept_and_sending_needs_the_required_fields(cast: Cast) -> None:
    draft = _send(cast, {"lahir": "4"}, send=False)
    assert draft.status == SubmissionStatus.DRAFT and draft.values == {"lahir": 4}
    with pytest.raises(DesaError) as refused:
        _send(cast, {"meninggal": "1"})
    assert "Kematian" not in refused.value.problems and "Kegiatan bulan ini" in refused.value.problems
    # Nothing half-saved: the refused sending changed nothing.
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT and draft.values == {"lahir": 4} and draft.version == 1


def test_sending_on_time_sets_the_deadline_and_mails_a_receipt_and_the_camat(cast: Cast) -> None:
    sent = _send(cast, FULL)
    assert sent.status == SubmissionStatus.SENT
    assert sent.due_at == dt.datetime(2026, 4, 8, 23, 59, 59, tzinfo=WITA)
    assert not sent.is_late
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["camat_1@example.org", "kel.a@example.org", "lurah_a@example.org"]
    receipt = next(m for m in mail.outbox if m.to == ["kel.a@example.org"])
    assert "laporan-bulanan 2026-03" in receipt.subject
    assert receipt.reply_to[0].startswith(f"desa+{cast.kel_a.slug}.")
    assert AuditEvent.objects.filter(action="desa.report.send", object_id=str(sent.public_id)).exists()


def test_a_report_sent_after_the_deadline_is_late(cast: Cast) -> None:
    sent = _send(cast, FULL, at=dt.datetime(2026, 4, 9, 8, tzinfo=WITA))
    assert sent.is_late


def test_another_kelurahan_lurah_cannot_send_for_this_one(cast: Cast) -> None:
    with pytest.raises(DesaError):
        submission_save(
            actor=cast.lurah_c,
            actors=_actors(cast.lurah_c, cast.kel_a),
            unit=cast.kel_a,
            report_type=cast.report_type,
            period_key="2026-03",
            values={"lahir": 1},
        )
    assert not Submission.objects.exists()


def test_the_camat_returns_with_a_note_and_the_lurah_sends_again(cast: Cast) -> None:
    sent = _send(cast, FULL)
    camat = _actors(cast.camat_1, cast.kel_a)
    with pytest.raises(DesaError):
        submission_review(actor=cast.camat_1, actors=camat, submission=sent, accept=False, note="  ")
    mail.outbox.clear()
    returned = submission_review(
        actor=cast.camat_1,
        actors=camat,
        submission=sent,
        accept=False,
        note="Angka kelahiran salah.",
        version=sent.version,
    )
    assert returned.status == SubmissionStatus.RETURNED and returned.return_note == "Angka kelahiran salah."
    assert [m.to for m in mail.outbox] == [["kel.a@example.org"], ["lurah_a@example.org"]]
    assert "Angka kelahiran salah." in mail.outbox[0].body
    again = _send(cast, {**FULL, "lahir": "5"}, at=dt.datetime(2026, 4, 10, 8, tzinfo=WITA))
    assert again.status == SubmissionStatus.SENT and again.values["lahir"] == 5
    # Timeliness counts the first sending: a returned report sent again is still on time.
    assert not again.is_late
    accepted = submission_review(actor=cast.camat_1, actors=camat, submission=again, accept=True)
    assert accepted.status == SubmissionStatus.ACCEPTED


def test_a_stale_version_is_refused(cast: Cast) -> None:
    sent = _send(cast, FULL)
    camat = _actors(cast.camat_1, cast.kel_a)
    submission_review(actor=cast.camat_1, actors=camat, submission=sent, accept=True, version=sent.version)
    office = _actors(cast.office, cast.kel_a)
    with pytest.raises(DesaError, match=r"meantime|Sementara"):
        submission_note(
            actor=cast.office, actors=office, submission=sent, follow_up=False, text="x", version=sent.version
        )


def test_a_camat_of_another_kecamatan_cannot_review(cast: Cast) -> None:
    sent = _send(cast, FULL)
    assert rules.Actor.CAMAT not in _actors(cast.camat_1, cast.kel_c)
    with pytest.raises(DesaError):
        submission_review(actor=cast.lurah_a, actors=_actors(cast.lurah_a, cast.kel_a), submission=sent, accept=True)


def test_the_mayors_office_comments_asks_follow_up_and_sends_an_item_to_an_opd(cast: Cast) -> None:
    from balai.lapor.selectors import categories_active

    sent = _send(cast, FULL)
    office = _actors(cast.office, cast.kel_a)
    mail.outbox.clear()
    submission_note(actor=cast.office, actors=office, submission=sent, follow_up=True, text="Mohon data jalan rusak.")
    sent.refresh_from_db()
    assert sent.follow_up_open and sent.read_at is not None
    assert "Mohon data jalan rusak." in mail.outbox[0].body
    category = categories_active().first()
    assert category is not None
    note = submission_to_opd(
        actor=cast.office,
        actors=office,
        submission=sent,
        category_id=category.pk,
        title="Jalan berlubang di lingkungan 2",
        description="Dilaporkan dalam laporan bulanan kelurahan.",
    )
    assert note.kind == NoteKind.TO_OPD and note.lapor_code.startswith("BTG-")
    from balai.lapor.selectors import reports_public  # noqa: F401 - the report exists in the reporting module

    assert AuditEvent.objects.filter(action="desa.report.to_opd", changes__lapor=note.lapor_code).exists()
    # The lurah may not do what only the office does.
    with pytest.raises(DesaError):
        submission_note(
            actor=cast.lurah_a, actors=_actors(cast.lurah_a, cast.kel_a), submission=sent, follow_up=False, text="x"
        )
