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


PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"


def test_every_kind_of_response_limits_browser_features_with_a_permissions_policy(client, city):
    page = client.get("/lapor/")
    probe = client.get("/healthz")
    missing = client.get("/tidak-ada/")
    staff_redirect = client.get("/staf/")

    assert (page.status_code, missing.status_code, staff_redirect.status_code) == (200, 404, 302)
    assert b"<form" in page.content or b"<main" in page.content
    for response in (page, probe, missing, staff_redirect):
        assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY


def test_probes_answer_over_plain_http_when_everything_else_redirects_to_https(client, city, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/lapor/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json()["checks"]["database"] == "ok"


def test_liveness_does_not_wait_for_the_database(client, city, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}
