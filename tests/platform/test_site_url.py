"""Links use the site's real address: `balai run ADDR:PORT` sets it for the demo; production refuses to start without it."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from balai.platform.management.commands.run import use_address
from tests.factories import make_report
from tests.periodic import run_queued


class Started(Exception):  # noqa: N818 - the guard's verdict: gunicorn would have replaced the test process
    pass


@pytest.fixture
def no_exec(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """`balai serve` ends by becoming gunicorn (os.execv); stop there instead, keeping the command line."""
    started: list[list[str]] = []

    def execv(path: str, argv: list[str]) -> None:
        started.append(argv)
        raise Started

    monkeypatch.setattr("os.execv", execv)
    return started


def test_check_deploy_fails_while_site_url_is_the_local_default(settings: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"

    with pytest.raises(SystemCheckError, match=r"balai\.E003") as failure:
        call_command("check", deploy=True)

    assert "SITE_URL" in str(failure.value)


@pytest.mark.parametrize("url", ["http://localhost:8000", "https://[::1]", "lapor.bitungkota.go.id"])
def test_check_deploy_fails_on_a_local_or_malformed_site_url(settings: Any, url: str) -> None:
    settings.SITE_URL = url

    with pytest.raises(SystemCheckError, match=r"balai\.E003"):
        call_command("check", deploy=True)


def test_check_deploy_passes_with_the_public_address(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SITE_URL = "https://lapor.bitungkota.go.id"
    # The browser tests' switch (tests/e2e/conftest.py) is in this process's environment when they ran before.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)

    call_command("check", deploy=True)


@pytest.mark.django_db
def test_serve_refuses_to_start_without_site_url(settings: Any, no_exec: list[list[str]]) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"

    with pytest.raises(CommandError, match=r"SITE_URL.*balai\.E003"):
        call_command("serve", "127.0.0.1:8123")

    assert no_exec == []


# Outside a test transaction: `serve` closes the database connections before it becomes gunicorn.
@pytest.mark.django_db(transaction=True)
def test_serve_starts_with_the_public_address(settings: Any, no_exec: list[list[str]]) -> None:
    settings.SITE_URL = "https://lapor.bitungkota.go.id"

    with pytest.raises(Started):
        call_command("serve", "127.0.0.1:8123", workers=1)

    assert "balai.wsgi:application" in no_exec[0]


@pytest.fixture
def site_url_unset(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    # Empty counts as unset; monkeypatch puts back whatever `balai run` writes into the environment.
    monkeypatch.setenv("SITE_URL", "")
    # Through the fixture, so that what `balai run` changes in the settings is undone after the test.
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def test_balai_run_puts_its_address_in_the_reporters_emails(city: Any, settings: Any, site_url_unset: None) -> None:
    assert use_address("192.168.1.20:8080") == "http://192.168.1.20:8080"
    report = make_report(reporter_email="warga@example.id")
    run_queued()

    [received] = mail.outbox
    assert f"http://192.168.1.20:8080/lacak/{report.code}/{report.reporter_token}/" in received.body
    # The worker `balai run` starts reads it from the environment; the development server accepts the host.
    assert os.environ["SITE_URL"] == "http://192.168.1.20:8080"
    assert "192.168.1.20" in settings.ALLOWED_HOSTS


def test_balai_run_with_a_port_only_uses_the_local_address(settings: Any, site_url_unset: None) -> None:
    assert use_address("8001") == "http://127.0.0.1:8001"
    assert settings.SITE_URL == "http://127.0.0.1:8001"


def test_an_explicit_site_url_wins_over_the_address_of_balai_run(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_URL", "https://lapor.bitungkota.go.id")
    settings.SITE_URL = "https://lapor.bitungkota.go.id"

    assert use_address("0.0.0.0:8000") == "https://lapor.bitungkota.go.id"
    assert settings.SITE_URL == "https://lapor.bitungkota.go.id"
