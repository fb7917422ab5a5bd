"""Balai remembers the addresses browsers post from, with what the web server passes, cheaply."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.platform.origins import origins_seen


@pytest.mark.django_db
def test_a_post_with_an_origin_is_remembered_with_what_the_web_server_passed() -> None:
    Client().post("/staf/masuk/", HTTP_HOST="127.0.0.1", HTTP_ORIGIN="https://127.0.0.1:8443")

    [seen] = origins_seen()
    assert (seen.server, seen.browser) == ("http://127.0.0.1", "https://127.0.0.1:8443")


@pytest.mark.django_db
def test_requests_without_an_origin_are_not_remembered() -> None:
    client = Client()
    client.get("/privasi/")
    client.post("/staf/masuk/")

    assert origins_seen() == []


@pytest.mark.django_db
def test_the_same_address_is_written_at_most_once_a_minute() -> None:
    client = Client()
    client.post("/staf/masuk/", HTTP_ORIGIN="http://localhost")
    [first] = origins_seen()

    client.post("/staf/masuk/", HTTP_ORIGIN="http://localhost")

    assert origins_seen() == [first]


@pytest.mark.django_db
def test_an_origin_this_site_does_not_answer_to_is_not_kept() -> None:
    Client().post("/staf/masuk/", HTTP_HOST="127.0.0.1", HTTP_ORIGIN="https://evil.example")

    [seen] = origins_seen()
    assert seen.browser == ""
