"""SECRET_KEY can be changed without signing everyone out: the former key goes into SECRET_KEY_FALLBACKS
(docs/deploy.md, "Changing SECRET_KEY"), and what it signed keeps working until it is dropped from there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from balai.api.email_intake import message_import
from balai.api.models import EmailStatus
from tests.api.test_email_replies import ADDRESS, REPORTER, answer, sent_to_reporter
from tests.core.test_deploy_settings import settings_in
from tests.factories import make_report

pytestmark = pytest.mark.django_db
OLD_KEY = "the-key-this-server-had-until-today-" + "o" * 30
NEW_KEY = "the-key-this-server-has-from-today-" + "n" * 30
STAFF_HOME = "/staf/"


def test_fallback_keys_are_read_from_the_environment_comma_separated(tmp_path: Path) -> None:
    fallbacks = settings_in(
        tmp_path,
        "print(json.dumps(s.SECRET_KEY_FALLBACKS))",
        SECRET_KEY=NEW_KEY,
        SECRET_KEY_FALLBACKS=f"{OLD_KEY}, an-even-older-key-{'e' * 40}",
    )

    assert fallbacks == [OLD_KEY, f"an-even-older-key-{'e' * 40}"]


def test_fallback_keys_are_read_from_a_file_one_per_line(tmp_path: Path) -> None:
    keys = tmp_path / "secret_key_fallbacks"
    keys.write_text(f"{OLD_KEY}\n\nan-even-older-key-{'e' * 40}\n")

    fallbacks = settings_in(
        tmp_path,
        "print(json.dumps(s.SECRET_KEY_FALLBACKS))",
        SECRET_KEY=NEW_KEY,
        SECRET_KEY_FALLBACKS_FILE=str(keys),
    )

    assert fallbacks == [OLD_KEY, f"an-even-older-key-{'e' * 40}"]


def test_without_fallbacks_there_are_none(tmp_path: Path) -> None:
    assert settings_in(tmp_path, "print(json.dumps(s.SECRET_KEY_FALLBACKS))", SECRET_KEY=NEW_KEY) == []


def test_a_session_signed_in_under_the_old_key_survives_the_rotation(client, operator_pupr, settings: Any) -> None:
    settings.SECRET_KEY = OLD_KEY
    client.force_login(operator_pupr)
    assert client.get(STAFF_HOME).status_code == 200

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    page = client.get(STAFF_HOME)

    assert page.status_code == 200
    assert page.context["user"] == operator_pupr


def test_without_the_old_key_as_a_fallback_the_session_ends(client, operator_pupr, settings: Any) -> None:
    settings.SECRET_KEY = OLD_KEY
    client.force_login(operator_pupr)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []

    assert client.get(STAFF_HOME).status_code == 302


def test_a_reply_to_an_email_sent_before_the_rotation_still_reaches_its_report(
    city: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTAKE_ADDRESS", ADDRESS)
    settings.SECRET_KEY = OLD_KEY
    report = make_report(reporter_email=REPORTER)
    sent_before = sent_to_reporter()

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    mail.outbox.clear()
    outcome = message_import(raw=answer(sent_before))

    assert (outcome.status, outcome.report_code) == (EmailStatus.ATTACHED, report.code)
