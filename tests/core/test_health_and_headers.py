from __future__ import annotations

import json
import logging

import pytest

from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_session(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_reports_the_database_and_an_empty_queue(client, city):
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["tasks"]["queued"] == 0


def test_readyz_fails_when_queued_work_waits_too_long(client, city, time_machine):
    time_machine.move_to("2026-11-02 09:00 +0800", tick=False)
    make_report(reporter_email="warga@example.id")  # queues the confirmation email
    time_machine.move_to("2026-11-02 09:10 +0800", tick=False)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["tasks"] == {"queued": 1, "oldest_wait_seconds": 600, "status": "stuck"}


def test_public_pages_send_a_strict_content_security_policy_and_safety_headers(client, city):
    response = client.get("/lapor/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_each_request_is_logged_as_one_json_line_without_the_tracking_code(client, city, caplog):
    report = make_report()
    with caplog.at_level(logging.INFO, logger="balai.request"):
        client.get(f"/lacak/{report.code}/")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "balai.request"]
    assert len(lines) == 1
    assert lines[0]["route"] == "/lacak/<str:code>/"
    assert lines[0]["status"] == 200
    assert lines[0]["ms"] >= 0
    assert report.code not in caplog.text
