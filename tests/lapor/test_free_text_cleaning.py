"""Every free-text field of every channel (web form, JSON API, Open311, email) is cleaned by balai.lib.text:
no control character or bidirectional override reaches the database, the pages or an email subject."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balai.api.email_intake import message_import
from balai.lapor.models import Category, Report
from balai.lib.text import BIDI_CONTROLS, clean_text
from tests.api.open311_support import api_client, new_key, request_params
from tests.api.test_email_intake import plain
from tests.api.v1_support import report_fields, submit
from tests.factories import kelurahan
from tests.periodic import run_queued

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "gnp.exe" reads as "exe.png"
FREE_TEXT = ("title", "description", "address", "reporter_name")
# What arrives through each channel. The APIs refuse some outright rather than clean them, with a clear error
# naming the field: the JSON API a NUL (422), Open311 any C0 control character (400); they get the rest.
NASTY = st.sampled_from([*BIDI_CONTROLS, "\x00", "\x08", "\x1b", "\x7f", "\u200b", "\ufeff"])
NASTY_API = st.sampled_from([*BIDI_CONTROLS, "\x08", "\x1b", "\x7f", "\u200b", "\ufeff"])
NASTY_OPEN311 = st.sampled_from([*BIDI_CONTROLS, "\u200b", "\ufeff", "\u2028"])


def _salted(text: str, nasties: list[str]) -> str:
    """`text` with a nasty character after each of its first words."""
    words = text.split(" ")
    for index, nasty in enumerate(nasties[: len(words)]):
        words[index] += nasty
    return " ".join(words)


def _assert_clean(report: Report) -> None:
    for name in FREE_TEXT:
        value = getattr(report, name)
        assert value == clean_text(value, multiline=name == "description"), name
        assert not any(ch in BIDI_CONTROLS or (ch < " " and ch != "\n") or ch == "\x7f" for ch in value), name


def _web(values: dict[str, str]) -> Report:
    data = {
        "kind": "pengaduan",
        "category": str(Category.objects.get(slug="jalan-rusak").pk),
        "kelurahan": kelurahan().code,
        "reporter_email": "warga@example.id",
        "consent": "on",
        "form_token": str(uuid.uuid4()),
        **values,
    }
    response = Client().post("/lapor/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Report.objects.get(code=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def _api(values: dict[str, str]) -> Report:
    response = submit(Client(), report_fields(**values))
    assert response.status_code == 201, response.content
    return Report.objects.get(code=response.json()["code"])


def _open311(values: dict[str, str]) -> Report:
    _app, key = new_key(f"Aplikasi {uuid.uuid4().hex[:6]}")
    first, _sep, last = values["reporter_name"].partition(" ")
    params = request_params(
        key, description=values["description"], address_string=values["address"], first_name=first, last_name=last
    )
    response = api_client().post("/open311/v2/requests.json", params)
    assert response.status_code == 200, response.content
    return Report.objects.get(code=response.json()[0]["service_request_id"])


def _email(values: dict[str, str]) -> Report:
    outcome = message_import(raw=plain(subject=values["title"], body=values["description"]))
    return Report.objects.get(code=outcome.report_code)


CHANNELS = {
    "web": (_web, NASTY),
    "api": (_api, NASTY_API),
    "open311": (_open311, NASTY_OPEN311),
    "email": (_email, NASTY),
}
BASE = {
    "title": "Jalan berlubang di depan SD Negeri 3",
    "description": "Lubang besar di tengah jalan sejak dua minggu,\nmotor sering jatuh di sana.",
    "address": "Jl. Sam Ratulangi depan SD Negeri 3",
    "reporter_name": "Yohanes Sumampouw",
}


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_free_text_field_of_every_channel_is_cleaned(city, settings_rate, channel):
    send, nasty = CHANNELS[channel]

    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries({name: st.lists(nasty, min_size=1, max_size=4) for name in FREE_TEXT}))
    def check(salt: dict[str, list[str]]) -> None:
        report = send({name: _salted(BASE[name], salt[name]) for name in FREE_TEXT})
        _assert_clean(report)
        # A line or paragraph separator (U+2028/U+2029) may become a line break: the words stay, in order.
        assert " ".join(report.description.split()).startswith("Lubang besar")

    check()


@pytest.fixture
def settings_rate(settings: Any) -> None:
    settings.RATELIMIT_REPORTS = "1000/h"


def test_a_title_with_an_override_reaches_neither_the_page_nor_the_email_subject(city, settings_rate):
    report = _web({**BASE, "title": f"Jalan rusak {RLO}gnp.exe", "address": f"Jl. Garuda {RLO}3"})

    assert (report.title, report.address) == ("Jalan rusak gnp.exe", "Jl. Garuda 3")
    page = Client().get(f"/lacak/{report.code}/").content.decode()
    assert RLO not in page
    run_queued()
    assert mail.outbox, "the confirmation email was sent"
    assert all(RLO not in message.subject for message in mail.outbox)
    assert any("Jalan rusak gnp.exe" in message.subject or report.code in message.subject for message in mail.outbox)
