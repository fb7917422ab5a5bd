"""Mail to the PPID address (ppid@ the reporting address's domain) becomes an information request, once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from balai.api.email_intake import message_import
from balai.lapor.models import Report
from balai.ppid.models import Channel, InformationRequest, Status

pytestmark = pytest.mark.django_db

MESSAGE = b"""From: Yohana Rumengan <yohana@example.com>\r
To: PPID Kota Bitung <ppid@bitungkota.go.id>\r
Subject: Permohonan salinan APBD 2026\r
Date: Tue, 24 Nov 2026 09:15:00 +0800\r
Message-ID: <ppid-1@mail.example.com>\r
MIME-Version: 1.0\r
Content-Type: text/plain; charset=utf-8\r
\r
Mohon salinan Perda APBD Kota Bitung tahun 2026 beserta lampirannya.\r
"""


def test_an_email_to_the_ppid_address_becomes_an_information_request_once(city: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("INTAKE_ADDRESS", "lapor@bitungkota.go.id")
    outcome = message_import(raw=MESSAGE, source="test")
    again = message_import(raw=MESSAGE, source="test")

    item = InformationRequest.objects.get()
    assert outcome.status == "imported" and outcome.report_code == item.code and again.status == "duplicate"
    assert item.channel == Channel.EMAIL and item.status == Status.DITERIMA and item.email == "yohana@example.com"
    assert "Perda APBD Kota Bitung tahun 2026" in item.information and item.name == "Yohana Rumengan"
    assert not Report.objects.exists()
    assert any(item.token in m.body for m in mail.outbox if m.to == ["yohana@example.com"])


def test_mail_to_the_reporting_address_is_still_a_report(city: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("INTAKE_ADDRESS", "lapor@bitungkota.go.id")
    message_import(raw=MESSAGE.replace(b"ppid@", b"lapor@").replace(b"ppid-1@", b"lapor-1@"), source="test")
    assert Report.objects.count() == 1 and not InformationRequest.objects.exists()
