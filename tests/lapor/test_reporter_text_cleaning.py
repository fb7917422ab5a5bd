"""The reporter's later words (the answer to a question, a rating comment, a reopen reason, an email reply's
subject) are cleaned by balai.lib.text as the report's own fields are, whichever channel brings them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balai.api.email_intake import message_import
from balai.api.models import EmailMessageLog
from balai.lapor.models import EventKind, Report
from balai.lib.text import BIDI_CONTROLS, clean_text
from tests.api.test_email_replies import REPORTER, answer, sent_to_reporter
from tests.api.v1_support import BASE, finished, on_hold
from tests.factories import make_report
from tests.lapor.test_free_text_cleaning import _salted

pytestmark = pytest.mark.django_db

RLO = "\u202e"
# Django's forms and the JSON API refuse a NUL with a message; every other nasty character arrives.
NASTY = st.sampled_from([*BIDI_CONTROLS, "\x08", "\x1b", "\x7f", "\u200b", "\ufeff"])
TEXT = "Lubang masih ada di depan SD,\nmotor tetap jatuh di sana."


def _assert_clean(value: str) -> None:
    assert value == clean_text(value, multiline=True)
    assert not any(ch in BIDI_CONTROLS or (ch < " " and ch != "\n") or ch in "\x7f\u200b\ufeff" for ch in value)
    assert value.startswith("Lubang") and "\n" in value


def _on_web(report: Report, action: str, **fields: str) -> None:
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    response = Client().post(reverse("lapor:reporter", args=[report.code, report.reporter_token]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _on_api(report: Report, path: str, body: dict[str, Any]) -> None:
    response = Client().post(
        f"{BASE}/reports/{report.code}/{path}",
        body,
        content_type="application/json",
        HTTP_X_REPORTER_TOKEN=report.reporter_token,
    )
    assert response.status_code == 200, response.content


def _reporter_note(report: Report) -> str:
    return report.events.filter(kind=EventKind.REPORTER).latest("created_at", "id").note


def _clarified_on_web(report: Report, text: str, coordinator: Any, operator: Any) -> str:
    _on_web(on_hold(report, coordinator), "clarify", answer=text)
    return _reporter_note(report)


def _clarified_by_api(report: Report, text: str, coordinator: Any, operator: Any) -> str:
    _on_api(on_hold(report, coordinator), "clarification", {"answer": text})
    return _reporter_note(report)


def _rated_on_web(report: Report, text: str, coordinator: Any, operator: Any) -> str:
    _on_web(finished(report, coordinator, operator), "rate", rating="4", comment=text)
    report.refresh_from_db()
    return report.rating_comment


def _rated_by_api(report: Report, text: str, coordinator: Any, operator: Any) -> str:
    _on_api(finished(report, coordinator, operator), "rating", {"rating": 4, "comment": text})
    report.refresh_from_db()
    return report.rating_comment


def _reopened_on_web(report: Report, text: str, coordinator: Any, operator: Any) -> str:
    _on_web(finished(report, coordinator, operator), "reopen", reason=text)
    return _reporter_note(report)


ACTIONS = {
    "clarification on the web": _clarified_on_web,
    "clarification by the API": _clarified_by_api,
    "rating comment on the web": _rated_on_web,
    "rating comment by the API": _rated_by_api,
    "reopen reason on the web": _reopened_on_web,
}


@pytest.mark.parametrize("action", ACTIONS)
def test_the_reporters_later_words_are_cleaned(city, coordinator, operator_pupr, action):
    act = ACTIONS[action]

    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.lists(NASTY, min_size=1, max_size=6))
    def check(nasties: list[str]) -> None:
        _assert_clean(act(make_report(), _salted(TEXT, nasties), coordinator, operator_pupr))

    check()


def test_an_answer_of_invisible_characters_only_is_refused(city, coordinator):
    report = on_hold(make_report(), coordinator)
    client = Client()
    client.cookies["django_language"] = "id"

    response = client.post(
        reverse("lapor:reporter", args=[report.code, report.reporter_token]),
        {"action": "clarify", "clarify-answer": f"{RLO}\u200b"},
    )

    assert response.status_code == 400  # the page again, with the message
    assert "Tulis jawaban Anda terlebih dahulu." in response.content.decode()
    report.refresh_from_db()
    assert not report.events.filter(kind=EventKind.REPORTER).exists()


def test_an_email_replys_subject_is_kept_clean(city, monkeypatch):
    monkeypatch.setenv("INTAKE_ADDRESS", "lapor@bitungkota.go.id")
    make_report(reporter_email=REPORTER)
    original = sent_to_reporter()

    message_import(raw=answer(original, subject=f"Re: lampu {RLO}gnp.exe\u200b"))

    assert EmailMessageLog.objects.get().subject == "Re: lampu gnp.exe"
