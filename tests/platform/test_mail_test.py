"""`balai mail test ADDRESS`: a real test email, the mail server's failure in plain words, and the proof it leaves."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from balai.core.models import AuditEvent, Pemda
from balai.platform.mailtest import MAIL_TEST_PASSED, mail_proof_last
from tests.platform.smtp_stub import smtp_stub

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db
def test_a_test_email_reaches_the_outbox_in_the_pemdas_language(city: Pemda, capsys: Any) -> None:
    call_command("mail", "test", "admin@bitungkota.go.id")

    [message] = mail.outbox
    assert message.to == ["admin@bitungkota.go.id"]
    assert message.subject == f"Email uji dari {city.name}"
    assert "balai mail test" in message.body
    assert "WITA" in message.body  # the time in the Pemda's zone (Bitung: Asia/Makassar)
    assert "BERHASIL" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_passed_test_is_recorded_with_the_domain_only(city: Pemda) -> None:
    call_command("mail", "test", "rina.mamahit@bitungkota.go.id")

    proof = mail_proof_last()
    assert proof is not None and proof.current and proof.domain == "bitungkota.go.id"
    event = AuditEvent.objects.get(action=MAIL_TEST_PASSED)
    assert "rina" not in str(event.changes)


@pytest.mark.django_db
def test_new_mail_settings_make_the_old_proof_stale(city: Pemda, settings: Any) -> None:
    call_command("mail", "test", "admin@bitungkota.go.id")
    settings.EMAIL_HOST = "smtp.bitungkota.go.id"

    proof = mail_proof_last()
    assert proof is not None and not proof.current


@pytest.mark.django_db
def test_an_unreachable_mail_server_fails_with_exit_1_and_plain_words(city: Pemda, settings: Any, capsys: Any) -> None:
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()

    with pytest.raises(SystemExit) as exit_:
        call_command("mail", "test", "admin@bitungkota.go.id", "--lang", "en")

    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"Nothing answers at 127.0.0.1:{settings.EMAIL_PORT} (connection refused)" in err
    assert "EMAIL_PORT" in err
    assert "Traceback" not in err
    assert not AuditEvent.objects.filter(action=MAIL_TEST_PASSED).exists()


@pytest.mark.django_db
def test_the_failure_is_told_in_indonesian_by_default(city: Pemda, settings: Any, capsys: Any) -> None:
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()

    with pytest.raises(SystemExit):
        call_command("mail", "test", "admin@bitungkota.go.id")

    assert "GAGAL" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_console_backend_is_not_a_proof(city: Pemda, settings: Any, capsys: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    with pytest.raises(SystemExit) as exit_:
        call_command("mail", "test", "admin@bitungkota.go.id", "--lang", "en")

    assert exit_.value.code == 1
    assert "no email leaves this machine" in capsys.readouterr().err
    assert mail_proof_last() is None


@pytest.fixture
def smtp(settings: Any) -> Any:
    with smtp_stub() as (port, received):
        settings.EMAIL_BACKEND = SMTP
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        yield received


@pytest.mark.django_db
def test_a_real_smtp_server_takes_the_test_email(city: Pemda, smtp: list[bytes]) -> None:
    call_command("mail", "test", "admin@bitungkota.go.id")

    [message] = smtp
    assert b"balai mail test" in message
    assert mail_proof_last() is not None


@pytest.mark.django_db
def test_starttls_asked_of_a_server_without_it_is_told_as_such(
    city: Pemda, smtp: list[bytes], settings: Any, capsys: Any
) -> None:
    settings.EMAIL_USE_TLS = True

    with pytest.raises(SystemExit):
        call_command("mail", "test", "admin@bitungkota.go.id", "--lang", "en")

    err = capsys.readouterr().err
    assert f"The mail server 127.0.0.1:{settings.EMAIL_PORT} does not offer STARTTLS." in err
    assert "587" in err and "EMAIL_USE_SSL" in err


@pytest.mark.django_db
def test_a_refused_password_is_told_with_the_servers_words(
    city: Pemda, smtp: list[bytes], settings: Any, capsys: Any
) -> None:
    settings.EMAIL_HOST_USER = "lapor@bitungkota.go.id"
    settings.EMAIL_HOST_PASSWORD = "wrong"

    with pytest.raises(SystemExit):
        call_command("mail", "test", "admin@bitungkota.go.id", "--lang", "en")

    err = capsys.readouterr().err
    assert "refused the user name or password (5.7.8 Authentication credentials invalid)" in err
    assert "/etc/balai/email_password" in err
    assert "wrong" not in err
    assert smtp == []
