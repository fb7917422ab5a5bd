"""A citizen report of the kind "permintaan informasi" becomes an information request in one action by the
coordinator: the report is closed through lapor's table with a timeline sentence and email to the reporter, and
each keeps the other's code."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from balai.core.models import AuditEvent
from balai.lapor.models import Report, ReportKind, Status
from balai.ppid.models import Channel, InformationRequest
from tests.factories import make_report

from .conftest import person

pytestmark = pytest.mark.django_db


def test_the_coordinator_moves_an_information_report_to_ppid(city: Any, coordinator: Any) -> None:
    report = make_report(kind=ReportKind.INFORMASI, reporter_email="warga@example.id")
    mail.outbox.clear()
    client = Client()
    client.force_login(coordinator)
    response = client.post("/staf/ppid/dari-laporan/", {"kode": report.code.lower()})

    item = InformationRequest.objects.get()
    assert response.status_code == 302 and response.url == f"/staf/ppid/{item.code}/"
    report.refresh_from_db()
    assert report.status == Status.DIARSIPKAN and item.lapor_report_code == report.code
    assert item.channel == Channel.LAPOR and item.email == "warga@example.id"
    event = report.events.order_by("-id").first()
    assert event is not None and event.code == "moved_to_ppid" and event.params["code"] == item.code
    assert AuditEvent.objects.filter(action="report.to_ppid").exists() or AuditEvent.objects.filter(
        object_id=report.code, action__contains="to_ppid").exists()  # fmt: skip
    assert any(item.token in m.body for m in mail.outbox if m.to == ["warga@example.id"])


def test_a_complaint_or_a_ppid_utama_without_the_coordinator_role_cannot(city: Any, coordinator: Any) -> None:
    complaint = make_report(kind=ReportKind.PENGADUAN)
    client = Client()
    client.force_login(coordinator)
    assert client.post("/staf/ppid/dari-laporan/", {"kode": complaint.code}).status_code == 400
    information = make_report(kind=ReportKind.INFORMASI)
    utama = Client()
    utama.force_login(person("ppid.utama", "diskominfo", "utama"))
    assert utama.post("/staf/ppid/dari-laporan/", {"kode": information.code}).status_code == 400
    assert not InformationRequest.objects.exists()
    assert set(Report.objects.values_list("status", flat=True)) == {Status.DITERIMA}
