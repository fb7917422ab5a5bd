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
