"""A mail server nobody answers: the confirmation email is kept, retried at the planned minutes, then listed as
undelivered for a person to send again; /readyz says "degraded" meanwhile, and "ok" once an email goes out."""

from __future__ import annotations

import re
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from balai.core.models import AuditEvent, MailState, OutgoingMail
from tests.factories import make_report
from tests.lapor.backoffice.steps import client_for, text
from tests.periodic import periodic_checks, run_queued

pytestmark = pytest.mark.django_db

PAGE = "/staf/surat-tidak-terkirim/"
REPORTER = "warga.bitung@example.id"
SUBMITTED = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
PAUSES = (1, 5, 15, 60, 180, 360, 720)


@pytest.fixture
def mail_server_down(settings: Any) -> int:
    """Django's real SMTP backend pointed at a local port nobody listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.MAIL_RETRY_MINUTES = PAUSES
    return port


def _confirmation() -> OutgoingMail:
    return OutgoingMail.objects.get(to=REPORTER, kind="lapor.received")


def _submitted_while_the_server_is_down(time_machine: Any) -> OutgoingMail:
    time_machine.move_to(SUBMITTED, tick=False)
    make_report(reporter_email=REPORTER)
    run_queued()  # the worker composes the confirmation; its first attempt fails
    return _confirmation()


def _readyz(client: Any) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, response.json()


def test_a_refused_confirmation_is_retried_at_the_planned_minutes_then_undelivered(
    city, mail_server_down, time_machine
):
    kept = _submitted_while_the_server_is_down(time_machine)

    assert (kept.state, kept.attempts) == (MailState.QUEUED, 1)
    assert kept.last_error.startswith("ConnectionRefusedError")
    assert kept.subject and kept.body, "the email is kept as rendered"
    due = SUBMITTED
    for attempt, pause in enumerate(PAUSES, start=2):
        due += timedelta(minutes=pause)
        time_machine.move_to(due - timedelta(seconds=1), tick=False)
        run_queued()
        kept.refresh_from_db()
        assert kept.attempts == attempt - 1, f"attempt {attempt} waits for its minute"
        time_machine.move_to(due, tick=False)
        run_queued()
        kept.refresh_from_db()
        assert (kept.attempts, kept.last_attempt_at) == (attempt, due)
    # 1 + 5 + 15 + 60 + 180 + 360 + 720 minutes: the eighth attempt, 22 hours 21 minutes after the report.
    assert due - SUBMITTED == timedelta(hours=22, minutes=21)
    assert (kept.state, kept.next_attempt_at) == (MailState.UNDELIVERED, None)

    time_machine.move_to(due + timedelta(days=1), tick=False)
    run_queued()
    periodic_checks()
    kept.refresh_from_db()
    assert (kept.state, kept.attempts) == (MailState.UNDELIVERED, 8), "an undelivered email waits for a person"
    assert mail.outbox == []


def test_readyz_is_degraded_while_mail_fails_and_ok_after_a_resend(
    city, sysadmin, mail_server_down, time_machine, settings
):
    probe = client_for()
    kept = _submitted_while_the_server_is_down(time_machine)

    status, body = _readyz(probe)
    # Degraded, not failed: a load balancer keeps this instance in service (the site still takes reports).
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["mail"] == {"status": "failing", "retrying": 1, "undelivered": 0}
    assert REPORTER not in str(body)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the administrator fixed the server
    response = client_for(sysadmin).post(PAGE, {"mail": str(kept.public_id)}, follow=True)

    assert "The email was sent." in text(response)
    assert [(m.to, m.subject) for m in mail.outbox] == [([REPORTER], kept.subject)]
    kept.refresh_from_db()
    assert (kept.state, kept.attempts, kept.last_error) == (MailState.SENT, 2, "")
    status, body = _readyz(probe)
    assert (status, body["status"]) == (200, "ok")
    assert body["checks"]["mail"] == {"status": "ok", "retrying": 0, "undelivered": 0}

    # The retry the failed attempt had queued finds the email sent: it is not sent twice.
    time_machine.move_to(SUBMITTED + timedelta(minutes=2), tick=False)
    run_queued()
    assert len(mail.outbox) == 1


def test_an_undelivered_email_is_listed_and_sent_again_from_the_page(
    city, sysadmin, coordinator, operator_pupr, mail_server_down, time_machine, settings
):
    settings.MAIL_RETRY_MINUTES = (1,)
    kept = _submitted_while_the_server_is_down(time_machine)
    time_machine.move_to(SUBMITTED + timedelta(minutes=1), tick=False)
    run_queued()
    kept.refresh_from_db()
    assert kept.state == MailState.UNDELIVERED

    assert client_for(operator_pupr).get(PAGE).status_code == 403
    assert 'href="/staf/surat-tidak-terkirim/"' not in text(client_for(operator_pupr).get("/staf/"))
    as_admin = text(client_for(sysadmin).get(PAGE))
    as_coordinator = text(client_for(coordinator).get(PAGE))
    assert REPORTER in as_admin
    assert REPORTER not in as_coordinator
    assert "wa***@example.id" in as_coordinator
    for page in (as_admin, as_coordinator):
        assert kept.subject in page
        assert "ConnectionRefusedError" in page
        assert 'href="/staf/surat-tidak-terkirim/"' in page, "the menu points to the list while mail fails"

    # Still down: the email stays undelivered and the page says so.
    refused = client_for(coordinator).post(PAGE, {"mail": str(kept.public_id)}, follow=True)
    assert "The mail server refused the email again" in text(refused)
    kept.refresh_from_db()
    assert (kept.state, kept.attempts) == (MailState.UNDELIVERED, 3)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = client_for(coordinator).post(PAGE, {"mail": str(kept.public_id)}, follow=True)

    assert "The email was sent." in text(sent)
    assert [m.to for m in mail.outbox] == [[REPORTER]]
    resends = AuditEvent.objects.filter(action="mail.resend", object_id=str(kept.public_id))
    assert [(e.actor_label, e.changes["state"]) for e in resends.order_by("id")] == [
        ("koordinator", "undelivered"),
        ("koordinator", "undelivered"),
    ]
    after = text(client_for(coordinator).get(PAGE))
    assert "Every email has been delivered to the mail server." in after
    assert 'href="/staf/surat-tidak-terkirim/"' not in after, "no link once nothing fails"


def test_a_resend_of_an_unknown_or_sent_email_changes_nothing(city, sysadmin, time_machine):
    time_machine.move_to(SUBMITTED, tick=False)
    make_report(reporter_email=REPORTER)
    run_queued()
    kept = _confirmation()
    assert kept.state == MailState.SENT
    admin = client_for(sysadmin)

    assert admin.post(PAGE, {"mail": "not-a-uuid"}).status_code == 404
    response = admin.post(PAGE, {"mail": str(kept.public_id)}, follow=True)

    assert "That email was sent already." in text(response)
    assert len(mail.outbox) == 1
    assert not AuditEvent.objects.filter(action="mail.resend").exists()


def test_the_outbox_forgets_sent_emails_after_the_kept_days(city, time_machine, settings):
    settings.MAIL_SENT_KEEP_DAYS = 30
    time_machine.move_to(SUBMITTED, tick=False)
    make_report(reporter_email=REPORTER)
    run_queued()
    assert _confirmation().state == MailState.SENT

    time_machine.move_to(SUBMITTED + timedelta(days=29), tick=False)
    periodic_checks()
    assert OutgoingMail.objects.filter(to=REPORTER).count() == 1
    time_machine.move_to(SUBMITTED + timedelta(days=30, minutes=1), tick=False)
    periodic_checks()
    assert OutgoingMail.objects.filter(to=REPORTER).count() == 0


def test_no_module_sends_email_but_through_the_outbox():
    """Read from the code: only the outbox talks to Django's mail API, so no email can skip its retries.

    The one other is `balai mail test`, whose purpose is to reach the mail server at once and say what it answered
    (a retry later would hide the very error the installer needs to see)."""
    import balai

    root = Path(balai.__file__).resolve().parent
    senders = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(
            r"^\s*(from django\.core\.mail\b|from django\.core import mail\b|import django\.core\.mail)",
            path.read_text(),
            re.M,
        )
    )
    assert senders == ["core/outbox.py", "platform/mailtest.py"]
