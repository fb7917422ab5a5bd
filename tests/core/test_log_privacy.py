"""What Balai writes to its log (journald) about a request names the route, never a path with a tracking code or a
reporter's private link, including Django's own lines about refused and failed requests (UU 27/2022)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from tests.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal() -> Iterator[io.StringIO]:
    """What the configured console handler (systemd's journal on a server) writes while the test runs."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def test_a_refused_post_to_the_private_link_is_logged_without_code_or_token(city, journal: io.StringIO) -> None:
    report = make_report()
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/lacak/{report.code}/{report.reporter_token}/", {"rating": "5"})

    assert response.status_code == 403
    lines = [json.loads(line) for line in journal.getvalue().splitlines()]
    csrf = next(line for line in lines if line["logger"] == "django.security.csrf")
    assert csrf["message"] == "Forbidden (CSRF cookie not set.): /lacak/<str:code>/<str:token>/"
    assert report.code not in journal.getvalue()
    assert report.reporter_token not in journal.getvalue()


def test_a_line_about_an_unmatched_path_names_no_path(journal: io.StringIO, rf) -> None:
    request = rf.get("/BTG-7K3Q-9XFA/")

    logging.getLogger("django.request").error("Internal Server Error: %s", request.path, extra={"request": request})

    assert json.loads(journal.getvalue())["message"] == "Internal Server Error: <unmatched>"
