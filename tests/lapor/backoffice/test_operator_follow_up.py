"""The OPD operator accepts, answers in public or notes internally, attaches evidence, finishes or returns a report."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from PIL import Image

from balai.lapor import services
from balai.lapor.models import EventKind, ReportAttachment, Status
from tests.factories import jpeg_bytes, make_report

from .steps import (
    client_for,
    dispatched,
    download,
    fresh,
    in_progress,
    pdf_bytes,
    photo_upload,
    post_action,
    run_worker,
    text,
    unit,
    upload,
)

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def _public_pages(report) -> str:
    """What anybody can read about the report: its public page and the tracking page, and the reporter's own."""
    anybody = client_for()
    pages = [
        anybody.get(f"/laporan/{report.code}/"),
        anybody.get(f"/lacak/{report.code}/"),
        anybody.get(f"/lacak/{report.code}/{report.reporter_token}/"),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    return "\n".join(text(p) for p in pages)


def test_accepting_puts_the_report_in_progress_and_tells_the_public(city, coordinator, operator_pupr):
    report = dispatched(make_report(), coordinator)

    response = post_action(client_for(operator_pupr), report, "accept", {"note": ""})

    assert response.status_code == 302
    report = fresh(report)
    assert report.status == Status.DIPROSES
    assert report.lead_unit == unit("dinas-pupr")
    assert "The OPD is working on it." in _public_pages(report)


def test_a_public_response_is_on_the_public_page_and_the_tracking_page(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)

    response = post_action(
        client_for(operator_pupr), report, "respond", {"text": "Perbaikan dijadwalkan hari Kamis, 09.00."}
    )

    assert response.status_code == 302
    event = fresh(report).events.get(kind=EventKind.RESPONSE)
    assert (event.is_public, event.actor) == (True, operator_pupr)
    assert _public_pages(report).count("Perbaikan dijadwalkan hari Kamis, 09.00.") == 3


@pytest.mark.django_db(transaction=True)
def test_a_public_response_is_emailed_to_the_reporter_by_the_worker(city, coordinator, operator_pupr):
    report = in_progress(make_report(reporter_email="warga.girian@example.id"), coordinator, operator_pupr)
    run_worker()
    mail.outbox.clear()

    post_action(client_for(operator_pupr), report, "respond", {"text": "Perbaikan dijadwalkan hari Kamis."})
    run_worker()

    to_reporter = [m for m in mail.outbox if m.to == ["warga.girian@example.id"]]
    assert len(to_reporter) == 1
    assert "Perbaikan dijadwalkan hari Kamis." in to_reporter[0].body
    assert f"/lacak/{report.code}/{report.reporter_token}/" in to_reporter[0].body


@pytest.mark.django_db(transaction=True)
def test_an_internal_note_is_not_emailed_to_the_reporter(city, coordinator, operator_pupr):
    report = in_progress(make_report(reporter_email="warga.girian@example.id"), coordinator, operator_pupr)
    run_worker()
    mail.outbox.clear()

    post_action(client_for(operator_pupr), report, "note", {"text": "Anggaran pemeliharaan tinggal sedikit."})
    run_worker()

    assert mail.outbox == []


def test_internal_notes_never_appear_on_the_public_page_nor_the_tracking_pages(city, coordinator, operator_pupr):
    report = dispatched(
        make_report(), coordinator, instruction="Instruksi koordinator: cek kontraktor lama."
    )  # the dispatch instruction is an internal note too
    post_action(client_for(operator_pupr), report, "accept", {"note": ""})
    post_action(client_for(operator_pupr), report, "note", {"text": "Anggaran pemeliharaan tinggal sedikit."})
    post_action(client_for(coordinator), report, "note", {"text": "Kontraktor pernah bermasalah."})

    staff_page = text(client_for(operator_pupr).get(f"/staf/laporan/{report.code}/"))
    public = _public_pages(report)

    for note in ("Instruksi koordinator", "Anggaran pemeliharaan", "Kontraktor pernah bermasalah"):
        assert note in staff_page
        assert note not in public


def test_finishing_requires_a_final_answer(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)

    empty = post_action(client_for(operator_pupr), report, "finish", {"answer": ""})
    assert empty.status_code == 400
    assert fresh(report).status == Status.DIPROSES
    with pytest.raises(services.ActionError, match="Write the final answer for the reporter"):
        services.report_finish(report=report, actor=operator_pupr, version=None, answer=" \n ")

    done = post_action(client_for(operator_pupr), report, "finish", {"answer": "Lubang ditambal dengan aspal."})

    assert done.status_code == 302
    report = fresh(report)
    assert report.status == Status.SELESAI and report.finished_at is not None
    assert "Lubang ditambal dengan aspal." in _public_pages(report)


def test_returning_sends_the_report_back_to_the_coordinator_and_out_of_the_opds_sight(city, coordinator, operator_pupr):
    report = dispatched(make_report(), coordinator, supporting=["dishub"])
    operator = client_for(operator_pupr)

    response = post_action(operator, report, "return", {"reason": "Ini ruas jalan provinsi, bukan kota."})

    assert response.status_code == 302
    report = fresh(report)
    assert report.status == Status.DIVERIFIKASI
    assert (report.lead_unit, report.due_at, report.dispatched_at) == (None, None, None)
    assert list(report.supporting_units.all()) == []
    assert operator.get(f"/staf/laporan/{report.code}/").status_code == 404
    assert report.code not in text(operator.get("/staf/laporan/?status=all"))
    coordinator_page = text(client_for(coordinator).get(f"/staf/laporan/{report.code}/"))
    assert "Ini ruas jalan provinsi, bukan kota." in coordinator_page
    assert "Ini ruas jalan provinsi" not in _public_pages(report)


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Samsung"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (1.0, 26.0, 24.36), "E", (125.0, 10.0, 55.9)
    data = jpeg_bytes(exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "the photo really carries GPS"
    return data


def test_a_photo_of_the_work_is_stored_without_its_exif_and_location(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)

    response = client_for(operator_pupr).post(
        f"/staf/laporan/{report.code}/attach/",
        {"attach-version": fresh(report).version, "attach-is_public": "on",
         "attach-file": upload("sesudah.jpg", _gps_jpeg(), "image/jpeg")},
    )  # fmt: skip

    assert response.status_code == 302
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.content_type == "image/jpeg"
    with attachment.file.open("rb") as stored:
        content = stored.read()
    cleaned = Image.open(io.BytesIO(content))
    assert len(cleaned.getexif()) == 0
    assert b"Exif\x00\x00" not in content
    assert b"Samsung" not in content


def test_a_pdf_is_accepted_by_its_content(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)
    document = pdf_bytes()

    response = client_for(operator_pupr).post(
        f"/staf/laporan/{report.code}/attach/",
        {"attach-version": fresh(report).version, "attach-file": upload("berita-acara", document)},
    )

    assert response.status_code == 302
    attachment = ReportAttachment.objects.get(report=report)
    assert (attachment.content_type, attachment.is_public) == ("application/pdf", False)
    with attachment.file.open("rb") as stored:
        assert stored.read() == document


def test_a_text_file_named_pdf_is_refused_with_a_reason(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)
    version = fresh(report).version

    response = client_for(operator_pupr).post(
        f"/staf/laporan/{report.code}/attach/",
        {"attach-version": version, "attach-file": upload("x.pdf", b"Bukan PDF, hanya teks.\n", "application/pdf")},
    )

    assert response.status_code == 409
    assert "This file is not a photo" in text(response)
    assert not ReportAttachment.objects.filter(report=report).exists()
    assert fresh(report).version == version


def test_public_attachments_are_on_the_public_page_and_internal_ones_are_not(city, coordinator, operator_pupr):
    report = in_progress(make_report(), coordinator, operator_pupr)
    operator = client_for(operator_pupr)
    for name, public in (("foto-sesudah.jpg", True), ("nota-internal.jpg", False)):
        fields = {"attach-version": fresh(report).version, "attach-file": photo_upload(name)}
        if public:
            fields["attach-is_public"] = "on"
        assert operator.post(f"/staf/laporan/{report.code}/attach/", fields).status_code == 302
    shown = ReportAttachment.objects.get(original_name="foto-sesudah.jpg")
    hidden = ReportAttachment.objects.get(original_name="nota-internal.jpg")

    public = _public_pages(report)
    anybody = client_for()

    assert "foto-sesudah.jpg" in public and f"/lampiran/{shown.public_id}/" in public
    assert "nota-internal.jpg" not in public and str(hidden.public_id) not in public
    assert download(anybody, f"/lampiran/{shown.public_id}/")[0] == 200
    assert download(anybody, f"/lampiran/{hidden.public_id}/")[0] == 404
    assert download(operator, f"/staf/laporan/lampiran/{hidden.public_id}/")[0] == 200
    assert "nota-internal.jpg" in text(operator.get(f"/staf/laporan/{report.code}/"))
