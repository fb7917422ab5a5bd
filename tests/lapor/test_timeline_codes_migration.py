"""lapor 0014 turns the timeline sentences stored as text (in either language) into codes and parameters, keeps
the words people added after them as the note, and leaves a text it does not recognise as it was."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from balai.lapor.models import ReportEvent
from tests.factories import make_report

migration = importlib.import_module("balai.lapor.migrations.0014_reportevent_sentences_to_codes")

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"


@pytest.mark.parametrize(
    ("kind", "to_status", "stored", "expected"),
    [
        ("status", "didisposisikan", f"Sent to {PUPR} for follow-up.", ("dispatched", {"unit": PUPR}, "")),
        ("status", "didisposisikan", f"Diteruskan ke {PUPR} untuk ditindaklanjuti.", ("dispatched", {"unit": PUPR}, "")),
        ("status", "diproses", "OPD sedang menanganinya.", ("accepted", {}, "")),
        ("status", "diverifikasi", f"Dikembalikan oleh {PUPR}: Bukan urusan kami.\nCek lagi.",
         ("returned", {"unit": PUPR}, "Bukan urusan kami.\nCek lagi.")),
        ("note", "", "Lampiran ditambahkan: foto 1.jpg.", ("attached", {"name": "foto 1.jpg"}, "")),
        ("rating", "", "Rated 4 of 5.", ("rated", {"n": 4}, "")),
        ("rating", "", "Dinilai 2 dari 5.", ("rated", {"n": 2}, "")),
        ("status", "diverifikasi", "Pelapor sudah menjawab.", ("clarified", {}, "")),
        ("status", "didisposisikan", "Dibuka kembali oleh pelapor: masalahnya belum beres.", ("reopened", {}, "")),
        ("reporter", "", "Tidak, belum beres", ("questionnaire", {"answer": "tidak"}, "")),
        ("status", "bukan_wewenang", "Bukan wewenang Pemda. Silakan menghubungi: Polres Bitung\nTerima kasih.",
         ("not_authority", {"where": "Polres Bitung"}, "Terima kasih.")),
        ("status", "diarsipkan", "Spam atau penyalahgunaan", ("archived", {"reason": "spam"}, "")),
        ("status", "diarsipkan", "No clarification from the reporter\nNo answer from the reporter within 10 working days.",
         ("archived", {"reason": "tanpa_klarifikasi", "days": 10}, "")),
        ("status", "diarsipkan", "Digabungkan ke laporan BTG-AB12-CD34; tindak lanjut dilakukan melalui laporan tersebut.",
         ("merged_into", {"code": "BTG-AB12-CD34"}, "")),
        ("note", "", "Report BTG-AB12-CD34 was merged into this one.", ("merged_from", {"code": "BTG-AB12-CD34"}, "")),
        ("escalation", "", "Terlambat: diteruskan ke kepala OPD.", ("escalation.overdue_head", {}, "")),
        ("escalation", "", "Due within one working day: the operators were reminded.", ("escalation.due_soon", {}, "")),
    ],
)  # fmt: skip
def test_a_stored_sentence_in_either_language_becomes_its_code(kind, to_status, stored, expected):
    assert migration.convert(kind, to_status, stored) == expected


@pytest.mark.parametrize(
    ("kind", "to_status", "stored"),
    [
        ("response", "", "The OPD is working on it."),  # an officer's own words that happen to match
        ("status", "diverifikasi", "Laporan jelas, lanjut."),
        ("note", "", "Attachments of the reporter's email not kept:\nsurat.pdf"),
    ],
)
def test_a_text_that_is_not_a_known_sentence_is_left_alone(kind, to_status, stored):
    assert migration.convert(kind, to_status, stored) is None


@pytest.mark.django_db
def test_the_migration_converts_stored_rows_and_they_then_read_in_each_language(city):
    report = make_report()
    old = ReportEvent.objects.create(
        report=report, created_at=report.created_at, actor_label="Budi", kind="status", to_status="diproses",
        note="OPD sedang menanganinya.",
    )  # fmt: skip
    legacy = ReportEvent.objects.create(
        report=report, created_at=report.created_at, actor_label="Budi", kind="note", note="Sudah ditelepon."
    )

    migration.forwards(apps, None)

    old.refresh_from_db()
    legacy.refresh_from_db()
    assert (old.code, old.params, old.note) == ("accepted", {}, "")
    assert (legacy.code, legacy.note) == ("", "Sudah ditelepon.")
    with translation.override("en"):
        assert (old.text, legacy.text) == ("The OPD is working on it.", "Sudah ditelepon.")
    with translation.override("id"):
        assert old.text == "OPD sedang menanganinya."

    migration.backwards(apps, None)
    old.refresh_from_db()
    assert (old.code, old.note) == ("", "OPD sedang menanganinya.")
