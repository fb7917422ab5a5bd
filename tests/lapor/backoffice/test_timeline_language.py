"""The timeline's own sentences are stored as codes and worded in the reader's language wherever it is shown:
an officer working in Indonesian writes them, an English reader reads English, and the other way round."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from balai.lapor import services
from balai.lapor.models import EventKind, ReportEvent
from balai.lapor.timeline import SENTENCES, event_text
from tests.factories import make_report

from .steps import client_for, finished, text

pytestmark = pytest.mark.django_db

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
ENGLISH = [f"Sent to {PUPR} for follow-up.", "The OPD is working on it.", "Rated 4 of 5."]
INDONESIAN = [f"Diteruskan ke {PUPR} untuk ditindaklanjuti.", "OPD sedang menanganinya.", "Dinilai 4 dari 5."]


@pytest.fixture
def rated(publish_on_arrival, coordinator, operator_pupr):
    """A report handled and rated while everyone works in Indonesian."""
    with translation.override("id"):
        report = finished(make_report(), coordinator, operator_pupr)
        return services.report_rate(report=report, rating=4)


def _browser(language: str, user=None) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


def _timeline(page: str, marker: str) -> str:
    return page.split(marker, 1)[1]


@pytest.mark.parametrize(("language", "shown", "hidden"), [("en", ENGLISH, INDONESIAN), ("id", INDONESIAN, ENGLISH)])
def test_the_public_tracking_page_words_the_timeline_in_the_readers_language(rated, language, shown, hidden):
    page = text(_browser(language).get(f"/lacak/{rated.code}/"))
    for sentence in shown:
        assert sentence in page
    for sentence in hidden:
        assert sentence not in page
    assert "Lubang sudah ditambal." in page, "the officer's own answer stays as typed"


@pytest.mark.parametrize(("language", "shown", "hidden"), [("en", ENGLISH, INDONESIAN), ("id", INDONESIAN, ENGLISH)])
def test_the_staff_timeline_is_in_the_readers_language(rated, coordinator, language, shown, hidden):
    history = _timeline(text(_browser(language, coordinator).get(f"/staf/laporan/{rated.code}/")), "staff-history")
    for sentence in shown:
        assert sentence in history
    for sentence in hidden:
        assert sentence not in history


def test_a_returned_report_shows_the_unit_in_a_sentence_and_the_reason_as_typed(
    publish_on_arrival, coordinator, operator_pupr
):
    from .steps import dispatched

    with translation.override("id"):
        report = dispatched(make_report(), coordinator)
        services.report_return(report=report, actor=operator_pupr, version=None, reason="Ini urusan Dinas Perhubungan.")
    event = ReportEvent.objects.get(report=report, code="returned")
    assert (event.params, event.note) == ({"unit": PUPR}, "Ini urusan Dinas Perhubungan.")
    english = text(_browser("en", coordinator).get(f"/staf/laporan/{report.code}/"))
    assert f"Returned by {PUPR}.<br>Ini urusan Dinas Perhubungan." in english
    indonesian = text(_browser("id", coordinator).get(f"/staf/laporan/{report.code}/"))
    assert f"Dikembalikan oleh {PUPR}.<br>Ini urusan Dinas Perhubungan." in indonesian


@pytest.mark.parametrize(("language", "shown", "hidden"), [("en", ENGLISH, INDONESIAN), ("id", INDONESIAN, ENGLISH)])
def test_the_api_timeline_is_in_the_callers_language(rated, language, shown, hidden):
    response = Client().get(f"/api/v1/reports/{rated.code}", HTTP_ACCEPT_LANGUAGE=language)
    notes = [event["note"] for event in response.json()["timeline"]]
    codes = [event["code"] for event in response.json()["timeline"]]
    assert codes == [None, None, "dispatched", "accepted", None, "rated"]  # submitted, verified, …, finished
    for sentence in shown:
        assert sentence in notes
    for sentence in hidden:
        assert sentence not in json.dumps(notes, ensure_ascii=False)


@pytest.mark.parametrize(
    ("language", "notes"), [("en", "The OPD is working on it."), ("id", "OPD sedang menanganinya.")]
)
def test_open311_status_notes_are_in_the_callers_language(
    publish_on_arrival, coordinator, operator_pupr, language, notes
):
    from .steps import in_progress

    with translation.override("en" if language == "id" else "id"):  # written in the other language
        report = in_progress(make_report(), coordinator, operator_pupr)
    response = Client().get(f"/open311/v2/requests/{report.code}.json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.json()[0]["status_notes"] == notes


def _codes_written_by_the_services() -> set[str]:
    """Every literal `code="…"` passed to a call in balai/lapor/services, plus the escalation kinds."""
    root = Path(services.__file__).parent
    codes: set[str] = set()
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        codes.add(keyword.value.value)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):  # code, params = "archived", …
                first, target = node.value.elts[0], node.targets[0]
                names_code = isinstance(target, ast.Tuple) and getattr(target.elts[0], "id", "") == "code"
                if isinstance(first, ast.Constant) and names_code:
                    codes.add(first.value)
    escalation = (root.parent / "escalation.py").read_text()
    for kind in ("due_soon", "overdue_head", "overdue_coordinator", "verify_overdue"):
        assert f'report, "{kind}",' in escalation
        codes.add(f"escalation.{kind}")
    return {c for c in codes if c}


SAMPLE_PARAMS = {
    "dispatched": {"unit": PUPR},
    "returned": {"unit": PUPR},
    "attached": {"name": "foto.jpg"},
    "rated": {"n": 3},
    "questionnaire": {"answer": "ya"},
    "not_authority": {"where": "Polres Bitung"},
    "archived": {"reason": "tanpa_klarifikasi", "days": 10},
    "merged_into": {"code": "BTG-AAAA-BBBB"},
    "merged_from": {"code": "BTG-AAAA-BBBB"},
    "moved_to_ppid": {"number": "2026/PPID/000001", "code": "PPID-AAAA-BBBB"},
}


def test_every_code_the_services_write_has_a_sentence_in_both_languages():
    written = _codes_written_by_the_services()
    assert len(written) >= 15, written
    assert written == set(SENTENCES), "a code without its sentence, or a sentence nobody writes"
    for code in sorted(written):
        with translation.override("en"):
            english = event_text(code, SAMPLE_PARAMS.get(code, {}), "")
        with translation.override("id"):
            indonesian = event_text(code, SAMPLE_PARAMS.get(code, {}), "")
        assert english and indonesian and english != indonesian, code


def test_an_unknown_code_is_refused_when_written(city, coordinator):
    from balai.lapor.services import _steps as step

    with pytest.raises(ValueError, match="nonsense"):
        step.event(make_report(), coordinator, EventKind.NOTE, code="nonsense")


def test_the_admin_shows_the_events_sentence_in_the_admins_language(rated, sysadmin):
    page = text(_browser("en", sysadmin).get(f"/staf/admin/lapor/report/{rated.pk}/change/"))
    assert f"Sent to {PUPR} for follow-up." in page
    assert "Diteruskan ke" not in page
