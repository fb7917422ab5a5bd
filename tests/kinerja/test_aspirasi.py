"""A citizen sends an aspiration from an activity's page: a report of the reporting module (kind aspirasi, through
its public service and its sender allowance), linked to the activity in the same transaction, shown on the page
once the coordinator has made it public; bad input or the limit keeps what was typed."""

from __future__ import annotations

from typing import Any

import pytest

from balai.core.models import AuditEvent, Wilayah, WilayahLevel
from balai.kinerja.models import Plan, ReportLink
from balai.lapor.models import Report, ReportKind
from balai.lapor.services import report_verify

from .conftest import ROAD, client_for, sub

pytestmark = pytest.mark.django_db

TEXT = "Mohon lampu jalan dipasang di tikungan Sudirman, malam hari sangat gelap."


def _form(**more: Any) -> dict[str, Any]:
    return {"text": TEXT, "reporter_name": "Yohanis Lumempouw", "reporter_email": "yohanis@example.id",
            "reporter_phone": "", "consent": "on", "website": "", **more}  # fmt: skip


def test_an_aspiration_becomes_a_linked_report_shown_once_public(plan: Plan, coordinator: Any) -> None:
    road = sub(ROAD)
    client = client_for()
    page = client.get(f"/kinerja/kegiatan/{road.public_id}/").content.decode()
    assert f'action="/kinerja/kegiatan/{road.public_id}/aspirasi/"' in page
    sent = client.post(f"/kinerja/kegiatan/{road.public_id}/aspirasi/", _form())
    report = Report.objects.get()
    assert sent.status_code == 200 and report.code in sent.content.decode()
    assert report.kind == ReportKind.ASPIRASI and report.reporter_name == "Yohanis Lumempouw"
    assert ROAD in report.description and TEXT in report.description
    assert ReportLink.objects.filter(activity=road, report_code=report.code).exists()
    assert AuditEvent.objects.filter(action="kinerja.report.link").count() == 1
    assert "Usul lampu jalan" not in client.get(f"/kinerja/kegiatan/{road.public_id}/").content.decode()

    kelurahan = Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN).order_by("code").first()
    report_verify(report=report, actor=coordinator, version=report.version, kind=ReportKind.ASPIRASI,
                  category=report.category, weight=report.weight, public_title="Usul lampu jalan Sudirman",
                  is_anonymous=False, is_confidential=False, kelurahan=kelurahan)  # fmt: skip
    after = client.get(f"/kinerja/kegiatan/{road.public_id}/").content.decode()
    assert "Usul lampu jalan Sudirman" in after
    assert "yohanis@example.id" not in after


def test_bad_input_keeps_what_was_typed_and_an_anonymous_sender_is_accepted_as_lapor_allows(plan: Plan) -> None:
    road = sub(ROAD)
    url = f"/kinerja/kegiatan/{road.public_id}/aspirasi/"
    short = client_for().post(url, _form(text="Terlalu pendek", consent=""))
    body = short.content.decode()
    assert short.status_code == 200 and "Terlalu pendek" in body and "errorlist" in body
    nameless = client_for().post(url, _form(reporter_name=""))
    assert "Write your name, or choose to be anonymous." in nameless.content.decode()
    assert not Report.objects.exists() and not ReportLink.objects.exists()
    # The demo Pemda lets anonymous reports come without contact (Pemda.allow_anonymous_without_contact).
    anonymous = client_for().post(url, _form(reporter_name="", reporter_email="", is_anonymous="on"))
    assert anonymous.status_code == 200
    report = Report.objects.get()
    assert report.is_anonymous and report.reporter_name == "" and report.reporter_email == ""


def test_the_senders_report_allowance_counts_aspirations_too(plan: Plan, settings: Any) -> None:
    settings.RATELIMIT_REPORTS = "1/h"
    road = sub(ROAD)
    url = f"/kinerja/kegiatan/{road.public_id}/aspirasi/"
    client = client_for()
    assert client.post(url, _form()).status_code == 200
    again = client.post(url, _form(text=TEXT + " Sekali lagi."))
    assert again.status_code == 429
    assert "Sekali lagi." in again.content.decode()
    assert Report.objects.count() == 1


def test_the_aspiration_outputs_never_show_a_sender_nor_a_hidden_report(plan: Plan, coordinator: Any) -> None:
    """The privacy walk of the aspiration's outputs (UU 27/2022): the activity page with its linked reports, the
    form's error page and the sent page, with every public page of the module. A sender's name, email and phone
    are never shown (the error page keeps only what its own sender typed); a rahasia (confidential) or unverified
    report is never listed."""
    from .test_public_pages import _public_outputs

    road = sub(ROAD)
    url = f"/kinerja/kegiatan/{road.public_id}/aspirasi/"
    senders = {
        "public": _form(text="Lampu jalan Sudirman padam sejak dua minggu, mohon diperbaiki segera.",
                        reporter_name="Yohanis Lumempouw", reporter_email="yohanis@example.id",
                        reporter_phone="081234500001"),
        "rahasia": _form(text="RAHASIA-ISI: kontraktor meminta uang tambahan kepada warga sekitar proyek.",
                         reporter_name="Maria Tersembunyi", reporter_email="maria.rahasia@example.id",
                         reporter_phone="081234500002"),
        "unverified": _form(text="BELUM-DIPERIKSA: trotoar baru sudah retak di depan pasar Girian.",
                            reporter_name="Kornelis Menunggu", reporter_email="kornelis@example.id",
                            reporter_phone="081234500003"),
    }  # fmt: skip
    sent_pages = {}
    for key, fields in senders.items():
        response = client_for().post(url, fields)
        assert response.status_code == 200
        sent_pages[key] = response.content.decode()
    reports = {key: Report.objects.get(reporter_email=fields["reporter_email"]) for key, fields in senders.items()}
    kelurahan = Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN).order_by("code").first()
    for key, title, confidential in (("public", "Usul lampu jalan Sudirman", False),
                                     ("rahasia", "RAHASIA-JUDUL pungutan proyek", True)):  # fmt: skip
        report = reports[key]
        report_verify(report=report, actor=coordinator, version=report.version, kind=ReportKind.ASPIRASI,
                      category=report.category, weight=report.weight, public_title=title, is_anonymous=False,
                      is_confidential=confidential, kelurahan=kelurahan)  # fmt: skip
    assert ReportLink.objects.filter(activity=road).count() == 3  # all three are linked, one is public

    contact = [v for fields in senders.values() for k, v in fields.items() if k.startswith("reporter_")]
    hidden = [senders["rahasia"]["text"][:20], senders["unverified"]["text"][:20], "RAHASIA-JUDUL",
              reports["rahasia"].code, reports["unverified"].code]  # fmt: skip
    error_page = client_for().post(url, _form(text="Terlalu pendek", reporter_name="Penulis Salah Isi",
                                              reporter_email="salah@example.id")).content.decode()  # fmt: skip
    assert "Penulis Salah Isi" in error_page and "errorlist" in error_page  # the sender's own input, kept
    walk = [*_public_outputs(client_for()), *_public_outputs(client_for(language="id")), error_page]
    activity_page = client_for(language="id").get(f"/kinerja/kegiatan/{road.public_id}/").content.decode()
    assert "Usul lampu jalan Sudirman" in activity_page  # the walk does see the public report
    for output in walk:
        for secret in contact + hidden:
            assert secret not in output, secret
    for key, page in sent_pages.items():
        assert reports[key].code in page
        for secret in contact:
            assert secret not in page, (key, secret)
