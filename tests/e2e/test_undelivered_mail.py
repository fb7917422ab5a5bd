"""Undelivered mail in a browser: while the mail server refuses, the system administrator finds the link in the
staff menu, reads the list (the coordinator sees addresses shortened) and sends an email again once it works.

Each screen is photographed at 360×800 and 1366×768 into var/screens/ (not committed) for people to look at.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from balai.core.models import MailState, OutgoingMail
from balai.core.outbox import mail_deliver_all, mail_queue
from tests.e2e.test_backoffice_journey import sign_in
from tests.e2e.test_citizen_journey import DESKTOP, axe_violations, describe
from tests.e2e.test_units_and_people import screens

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
REPORTER = "warga.bitung@example.id"


def _refused_email(settings: Any) -> OutgoingMail:
    """A confirmation the real SMTP backend could not hand to a closed local port, with no retry left."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.MAIL_RETRY_MINUTES = (1,)
    queued = mail_queue(
        kind="lapor.received", to=REPORTER, subject="Laporan BTG-2026-000123 sudah kami terima", body="Terima kasih.",
        language="id",
    )  # fmt: skip
    mail_deliver_all([queued])
    mail_deliver_all([OutgoingMail.objects.get(pk=queued.pk)])
    queued.refresh_from_db()
    assert queued.state == MailState.UNDELIVERED
    return queued


def test_the_administrator_sends_an_undelivered_email_again(new_page: NewPage, settings, axe_js: Path):
    kept = _refused_email(settings)

    coordinator = new_page(DESKTOP)
    coordinator.set_default_timeout(60_000)
    sign_in(coordinator, "koordinator")
    coordinator.locator(".staff-nav").get_by_role("link", name="Surat tidak terkirim").click()
    expect(coordinator.locator("h1")).to_have_text("Surat tidak terkirim")
    expect(coordinator.locator("tbody th")).to_have_text("wa***@example.id")
    screens(coordinator, "undelivered-mail-coordinator")

    admin = new_page(DESKTOP, bypass_csp=True)
    admin.set_default_timeout(60_000)
    sign_in(admin, "admin")
    admin.locator(".staff-nav").get_by_role("link", name="Surat tidak terkirim").click()
    expect(admin.locator("tbody th")).to_have_text(REPORTER)
    expect(admin.locator("tbody")).to_contain_text("ConnectionRefusedError")
    violations = axe_violations(admin, axe_js)
    assert not violations, describe(violations)
    screens(admin, "undelivered-mail")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server works again
    admin.get_by_role("button", name="Kirim lagi").click()
    expect(admin.locator(".messages")).to_contain_text("Surel terkirim")
    expect(admin.locator(".notice")).to_have_text("Semua surel sudah diserahkan ke server surel.")
    screens(admin, "undelivered-mail-sent")
    assert [m.to for m in mail.outbox] == [[REPORTER]]
    kept.refresh_from_db()
    assert kept.state == MailState.SENT
    expect(admin.locator(".staff-nav").get_by_role("link", name="Surat tidak terkirim")).to_have_count(0)
