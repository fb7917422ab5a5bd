"""Reports by email: real RFC 5322 messages become reports, replies, or are kept aside; none is taken twice."""

from __future__ import annotations

import base64
import io
import mailbox
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult
from PIL import Image

from balai.api.email_intake import IntakeConfigError, Outcome, imap_settings, message_import
from balai.api.models import EmailMessageLog, EmailStatus
from balai.lapor.models import Channel, EventKind, Report, Status
from tests.factories import jpeg_bytes

ADDRESS = "lapor@bitungkota.go.id"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _intake_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_ADDRESS", ADDRESS)
    for name in ("INTAKE_IMAP_HOST", "INTAKE_IMAP_USER", "INTAKE_IMAP_PASSWORD", "INTAKE_IMAP_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)


def raw(text: str, charset: str = "utf-8") -> bytes:
    """A message written as text, with CRLF line ends as on the wire."""
    return text.lstrip("\n").replace("\n", "\r\n").encode(charset)


def plain(
    subject: str = "Jalan berlubang di Jl. Sam Ratulangi", body: str = "", message_id: str = "", **headers: str
) -> bytes:
    body = body or "Lubang besar di depan SD Negeri 3, Girian Bawah. Sudah dua minggu, mohon diperbaiki."
    extra = "".join(f"{k.replace('_', '-')}: {v}\n" for k, v in headers.items())
    message_id = message_id or make_msgid(domain="mail.example.com")
    return raw(
        f"""
From: Maria Pangemanan <Maria.P@example.com>
To: Lapor Bitung <{ADDRESS}>
Subject: {subject}
Date: Tue, 24 Nov 2026 09:15:00 +0800
Message-ID: {message_id}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
{extra}
{body}
"""
    )


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    gps = {1: "N", 2: (1.0, 26.0, 30.0), 3: "E", 4: (125.0, 11.0, 0.0)}
    exif[0x8825] = gps
    exif[0x010F] = "Samsung"
    return jpeg_bytes(width=2400, height=1800, exif=exif)


def with_attachments(*attachments: tuple[bytes, str, str, str], text: str = "Sampah menumpuk di pasar.") -> bytes:
    message = EmailMessage()
    message["From"] = "Ferry Lumintang <ferry@example.com>"
    message["To"] = ADDRESS
    message["Subject"] = "Sampah di Pasar Winenet"
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content(text)
    for content, maintype, subtype, filename in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def only_report() -> Report:
    return Report.objects.get()


def test_a_plain_text_email_becomes_a_received_email_report(city: Any) -> None:
    outcome = message_import(raw=plain())

    report = only_report()
    assert outcome.status == EmailStatus.IMPORTED
    assert outcome.report_code == report.code
    assert report.status == Status.DITERIMA
    assert report.channel == Channel.EMAIL
    assert report.title == "Jalan berlubang di Jl. Sam Ratulangi"
    assert report.description.startswith("Lubang besar di depan SD Negeri 3")
    assert (report.reporter_name, report.reporter_email) == ("Maria Pangemanan", "maria.p@example.com")
    assert report.consent_at is not None
    assert report.category.slug == "lainnya"
    log = EmailMessageLog.objects.get()
    assert (log.status, log.report, log.sender) == (EmailStatus.IMPORTED, report, "maria.p@example.com")


# The worker closes database connections between jobs, as in production: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_the_reporter_gets_the_confirmation_with_the_tracking_code(city: Any) -> None:
    message_import(raw=plain())

    assert DBTaskResult.objects.filter(task_path__endswith="send_report_received").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1
    assert only_report().code in mail.outbox[0].subject
    assert mail.outbox[0].to == ["maria.p@example.com"]


def test_reply_to_does_not_change_who_the_reporter_is(city: Any) -> None:
    message_import(raw=plain(Reply_To="someone.else@example.org"))

    assert only_report().reporter_email == "maria.p@example.com"


def test_the_kelurahan_named_in_the_text_is_taken(city: Any) -> None:
    message_import(raw=plain())

    assert only_report().kelurahan.name == "Girian Bawah"
    assert not only_report().events.filter(kind=EventKind.NOTE).exists()


def test_a_kelurahan_code_wins_over_names(city: Any) -> None:
    message_import(raw=plain(body="Di kelurahan 71.72.02.1001 dekat Girian Bawah ada banjir setiap hujan deras."))

    assert only_report().kelurahan.name == "Wangurer Barat"


def test_the_longest_kelurahan_name_wins(city: Any) -> None:
    message_import(raw=plain(subject="Lampu jalan mati di girian weru satu"))

    assert only_report().kelurahan.name == "Girian Weru Satu"


def test_an_unknown_place_falls_back_with_a_note_to_ask_the_reporter(city: Any) -> None:
    message_import(raw=plain(subject="Lampu mati", body="Lampu jalan di depan rumah saya mati sejak kemarin."))

    report = only_report()
    assert report.kelurahan.code == "71.72.01.1001"
    note = report.events.get(kind=EventKind.NOTE)
    assert not note.is_public
    assert "71.72" not in note.note and note.note


def test_an_empty_subject_gets_a_default_title_and_a_long_one_is_cut(city: Any) -> None:
    message_import(raw=plain(subject=""))
    message_import(raw=plain(subject="Re: Fwd: " + "jalan rusak " * 30))

    first, second = Report.objects.order_by("id")
    assert first.title
    assert len(second.title) <= 150
    assert second.title.startswith("jalan rusak")
    assert second.title.endswith("…")


def test_a_very_long_text_is_truncated_with_a_note(city: Any) -> None:
    message_import(raw=plain(body="Air PDAM keruh. " * 400))

    description = only_report().description
    assert len(description) <= 4000
    assert "6399" in description  # the trailing space is trimmed


def test_multipart_alternative_takes_the_plain_text(city: Any) -> None:
    message = EmailMessage()
    message["From"] = "hendra@example.com"
    message["To"] = f"Lapor <{ADDRESS}>"
    message["Subject"] = "Banjir di Sagerat"
    message.set_content("Banjir setinggi lutut di Jl. Sagerat sejak pagi.")
    message.add_alternative("<p>Banjir <b>setinggi lutut</b> versi HTML</p>", subtype="html")

    message_import(raw=message.as_bytes())

    report = only_report()
    assert report.description == "Banjir setinggi lutut di Jl. Sagerat sejak pagi."
    assert report.kelurahan.name == "Sagerat"
    assert report.reporter_name == ""


def test_an_html_only_email_becomes_safe_plain_text(city: Any) -> None:
    message = raw(
        f"""
From: Siti Rahma <siti@example.com>
To: {ADDRESS}
Subject: Pohon tumbang
Message-ID: <html-only@example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p {{ color: red }}</style><title>x</title></head><body>
<p>Pohon tumbang di Jl. Garuda &amp; Jl. Pelabuhan&nbsp;&mdash; &lt;bahaya&gt;</p>
<script>alert('xss')</script><img src=x onerror="alert(1)">
<div>Baris kedua<br>baris ketiga</div><!-- komentar -->
</body></html>
"""
    )
    message_import(raw=message)

    text = only_report().description
    assert "Pohon tumbang di Jl. Garuda & Jl. Pelabuhan — <bahaya>" in text
    assert "Baris kedua\nbaris ketiga" in text
    for unsafe in ("alert", "<script", "<img", "onerror", "color: red", "komentar", "<p>", "&amp;"):
        assert unsafe not in text


def test_an_image_attachment_is_stored_as_a_clean_jpeg_without_exif(city: Any) -> None:
    message_import(raw=with_attachments((gps_jpeg(), "image", "jpeg", "lubang.jpg")))

    report = only_report()
    assert report.photo_count == 1
    photo = report.photos.get()
    with default_storage.open(photo.file.name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert image.format == "JPEG"
        assert max(image.size) <= 1600
        assert not image.getexif()
        assert "exif" not in image.info


def test_an_image_is_recognised_by_its_content_not_its_declared_type(city: Any) -> None:
    png = io.BytesIO()
    Image.new("RGB", (50, 40), (0, 128, 0)).save(png, format="PNG")
    message_import(raw=with_attachments((png.getvalue(), "application", "octet-stream", "foto")))

    assert only_report().photo_count == 1


def test_a_non_image_attachment_is_ignored_with_an_internal_note(city: Any) -> None:
    message_import(
        raw=with_attachments(
            (b"%PDF-1.4 surat pengantar", "application", "pdf", "surat.pdf"),
            (b"\xff\xd8\xff\xe0 not really a jpeg", "image", "jpeg", "rusak.jpg"),
        )
    )

    report = only_report()
    assert report.photo_count == 0
    note = report.events.get(kind=EventKind.NOTE)
    assert not note.is_public
    assert "surat.pdf" in note.note
    assert "rusak.jpg" in note.note


def test_more_than_five_photos_keeps_five(city: Any) -> None:
    photos = [(jpeg_bytes(width=40, height=30), "image", "jpeg", f"f{i}.jpg") for i in range(7)]
    message_import(raw=with_attachments(*photos))

    assert only_report().photo_count == 5
    assert "f6.jpg" in only_report().events.get(kind=EventKind.NOTE).note


def test_an_iso_8859_1_email_is_decoded(city: Any) -> None:
    message = raw(
        f"""
From: =?iso-8859-1?q?Jos=E9_Kaunang?= <jose@example.com>
To: {ADDRESS}
Subject: =?iso-8859-1?q?Caf=E9_tutup_jalan?=
Message-ID: <latin1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

Le café à côté du marché bloque la rue.
""",
        charset="latin-1",
    )
    message_import(raw=message)

    report = only_report()
    assert report.reporter_name == "José Kaunang"
    assert report.title == "Café tutup jalan"
    assert report.description == "Le café à côté du marché bloque la rue."


def test_a_quoted_printable_windows_1252_body_is_decoded(city: Any) -> None:
    message = raw(
        f"""
From: novita@example.com
To: {ADDRESS}
Subject: Tanda kutip
Message-ID: <cp1252@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

=93Trotoar rusak=94 =96 kata warga, harga =8015.
"""
    )
    message_import(raw=message)

    assert only_report().description == "“Trotoar rusak” – kata warga, harga €15."


def test_a_mislabelled_or_unknown_charset_falls_back_without_failing(city: Any) -> None:
    message = (
        f"From: a@example.com\r\nTo: {ADDRESS}\r\nSubject: Caf\xe9 8-bit\r\nMessage-ID: <x-unknown@example.com>\r\n"
        "Content-Type: text/plain; charset=x-unknown\r\n\r\nCaf\xe9 tutup\r\n"
    ).encode("latin-1")
    message_import(raw=message)

    report = only_report()
    assert report.title == "Café 8-bit"
    assert report.description == "Café tutup"


def test_an_encoded_word_subject_is_decoded(city: Any) -> None:
    subject = "Jalan rusak 🚧 di Bitung Tengah"
    encoded = base64.b64encode(subject.encode()).decode()
    message_import(raw=plain(subject=f"=?utf-8?b?{encoded}?="))

    report = only_report()
    assert report.title == subject
    assert report.kelurahan.name == "Bitung Tengah"


def test_the_same_message_is_imported_once(city: Any) -> None:
    message = plain(message_id="<sekali@example.com>")

    first = message_import(raw=message)
    second = message_import(raw=message)

    assert (first.status, second.status) == (EmailStatus.IMPORTED, "duplicate")
    assert Report.objects.count() == 1
    assert EmailMessageLog.objects.get().message_id == "<sekali@example.com>"


def test_a_message_without_message_id_is_recognised_by_its_bytes(city: Any) -> None:
    message = plain().replace(b"Message-ID:", b"X-Old-ID:")

    message_import(raw=message)
    message_import(raw=message)

    assert Report.objects.count() == 1
    assert EmailMessageLog.objects.get().message_id.startswith("sha256:")


def test_a_broken_message_is_kept_aside_and_nothing_is_lost(city: Any) -> None:
    broken = raw(
        f"""
From: Jefri <jefri@example.com>
To: {ADDRESS}
Subject: Multipart tanpa boundary
Message-ID: <broken@example.com>
Content-Type: multipart/mixed

isi yang tidak bisa dibaca
"""
    )
    outcome = message_import(raw=broken)

    assert outcome.status == EmailStatus.FAILED
    assert not Report.objects.exists()
    log = EmailMessageLog.objects.get()
    assert (log.status, log.sender) == (EmailStatus.FAILED, "Jefri <jefri@example.com>")
    assert "boundary" in log.error.lower() or "MIME" in log.error
    assert log.raw_file.startswith("email-gagal/")
    with default_storage.open(log.raw_file) as handle:
        assert handle.read() == broken
    assert message_import(raw=broken).status == "duplicate"


def test_a_message_without_sender_is_kept_aside(city: Any) -> None:
    outcome = message_import(raw=plain().replace(b"From: Maria Pangemanan <Maria.P@example.com>\r\n", b""))

    assert outcome.status == EmailStatus.FAILED
    assert "sender" in outcome.error
    assert default_storage.exists(outcome.kept_at)


def test_messages_to_other_addresses_are_left_alone(city: Any) -> None:
    other = plain().replace(f"To: Lapor Bitung <{ADDRESS}>".encode(), b"To: kepala@bitungkota.go.id")

    assert message_import(raw=other).status == "not_addressed"
    assert not EmailMessageLog.objects.exists()
    assert message_import(raw=other, address="").status == EmailStatus.IMPORTED


def test_a_copy_delivered_to_the_reporting_address_counts(city: Any) -> None:
    bcc = plain().replace(f"To: Lapor Bitung <{ADDRESS}>".encode(), f"To: a@b.id\r\nDelivered-To: {ADDRESS}".encode())

    assert message_import(raw=bcc).status == EmailStatus.IMPORTED


def test_auto_replies_are_logged_and_ignored(city: Any) -> None:
    outcome = message_import(raw=plain(subject="Out of office", Auto_Submitted="auto-replied"))

    assert outcome.status == EmailStatus.IGNORED
    assert not Report.objects.exists()
    assert EmailMessageLog.objects.get().status == EmailStatus.IGNORED


def write_maildir(path: Path, messages: list[bytes]) -> None:
    box = mailbox.Maildir(path, create=True)
    for message in messages:
        box.add(message)
    box.close()


def test_the_command_reads_a_maildir_and_reports_what_it_kept_aside(city: Any, tmp_path: Path) -> None:
    broken = raw(f"From: x@example.com\nTo: {ADDRESS}\nMessage-ID: <b@x>\nContent-Type: multipart/mixed\n\nzzz\n")
    write_maildir(tmp_path / "Maildir", [plain(), plain(subject="Banjir di Tendeki"), broken])
    out, err = io.StringIO(), io.StringIO()

    call_command("email", "fetch", "--maildir", str(tmp_path / "Maildir"), stdout=out, stderr=err)
    call_command("email", "fetch", "--maildir", str(tmp_path / "Maildir"), stdout=out, stderr=err)

    assert Report.objects.count() == 2
    assert "imported 2, attached 0, ignored 0, kept aside 1" in out.getvalue()
    assert "already taken 3" in out.getvalue()
    assert "kept aside\t<b@x>\tx@example.com" in err.getvalue()
    assert "email-gagal/" in err.getvalue()


def test_the_command_reads_an_mbox(city: Any, tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "lapor.mbox", create=True)
    box.add(plain())
    box.add(with_attachments((jpeg_bytes(), "image", "jpeg", "a.jpg")))
    box.close()
    out = io.StringIO()

    call_command("email", "fetch", "--mbox", str(tmp_path / "lapor.mbox"), stdout=out)

    assert Report.objects.filter(channel=Channel.EMAIL).count() == 2
    assert Report.objects.filter(photo_count=1).count() == 1


def test_a_missing_local_source_fails_the_command(city: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="mbox"):
        call_command("email", "fetch", "--mbox", str(tmp_path / "nope.mbox"))
    with pytest.raises(CommandError, match="maildir"):
        call_command("email", "fetch", "--maildir", str(tmp_path / "nope"))


def test_imap_without_a_host_is_a_clear_error(db: Any) -> None:
    with pytest.raises(IntakeConfigError, match="INTAKE_IMAP_HOST"):
        imap_settings()
    with pytest.raises(CommandError, match="INTAKE_IMAP_HOST is not set"):
        call_command("email", "fetch")


def test_imap_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "imap-password"
    secret.write_text("rahasia\n")
    monkeypatch.setenv("INTAKE_IMAP_HOST", "imap.bitungkota.go.id")
    monkeypatch.setenv("INTAKE_IMAP_USER", "lapor")
    monkeypatch.setenv("INTAKE_IMAP_PASSWORD_FILE", str(secret))

    config = imap_settings()

    assert (config.host, config.port, config.folder, config.use_ssl) == ("imap.bitungkota.go.id", 993, "INBOX", True)
    assert config.password == "rahasia"
    monkeypatch.delenv("INTAKE_IMAP_PASSWORD_FILE")
    with pytest.raises(IntakeConfigError, match="INTAKE_IMAP_PASSWORD"):
        imap_settings()
    monkeypatch.setenv("INTAKE_IMAP_PASSWORD", "x")
    monkeypatch.setenv("INTAKE_IMAP_PORT", "99999")
    with pytest.raises(IntakeConfigError, match="port"):
        imap_settings()


def test_an_outcome_for_another_address_is_not_marked_as_read() -> None:
    assert not Outcome("not_addressed", "<a@b>").handled
    assert Outcome("duplicate", "<a@b>").handled
    assert Outcome(EmailStatus.FAILED, "<a@b>").handled
