"""Safe retries: a report sent twice with the same Idempotency-Key exists once, and both senders get the same answer."""

from __future__ import annotations

import io
import sqlite3
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.utils import timezone

from balai.api import idempotency
from balai.api.idempotency import request_hash
from balai.api.models import IdempotencyRecord
from balai.lapor.models import Report

from .v1_support import (
    BASE,
    api_key,
    bearer,
    error_of,
    json_of,
    new_key,
    photo,
    report_fields,
    reports_count,
    submit,
)

pytestmark = pytest.mark.django_db


def test_a_retry_with_the_same_key_and_body_gets_the_first_answer_and_no_second_report(client, city):
    key = new_key()
    first = submit(client, key=key, photos=[photo()])
    again = submit(client, key=key, photos=[photo()])

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert reports_count() == 1
    assert Report.objects.get().photo_count == 1


def test_the_same_key_with_another_body_is_refused_with_422(client, city):
    key = new_key()
    json_of(submit(client, key=key), 201)

    error = error_of(submit(client, report_fields(title="Lampu jalan padam di Jalan Sudirman"), key=key), 422,
                     "idempotency_key_reused")  # fmt: skip

    assert "Idempotency-Key" in error["message"]
    assert reports_count() == 1


def test_the_same_key_with_another_photo_is_another_body(client, city):
    key = new_key()
    json_of(submit(client, key=key, photos=[photo(color=(10, 10, 10))]), 201)

    error = error_of(submit(client, key=key, photos=[photo(color=(250, 250, 250))], language="en"), 422,
                     "idempotency_key_reused")  # fmt: skip

    assert error["message"].startswith("This Idempotency-Key was already used")


def test_keys_belong_to_their_client(client, city):
    _client, secret = api_key()
    key = new_key()

    json_of(submit(client, key=key), 201)
    json_of(submit(client, key=key, **bearer(secret)), 201)

    assert reports_count() == 2


def test_a_refused_request_keeps_no_answer_so_the_corrected_retry_goes_through(client, city):
    key = new_key()
    error_of(submit(client, report_fields(consent=None), key=key), 422, "validation_error")

    json_of(submit(client, key=key), 201)

    assert reports_count() == 1


def test_a_malformed_key_is_refused(client, city):
    error = error_of(submit(client, key="pendek", language="en"), 400, "invalid_idempotency_key")

    assert "16 to 200" in error["message"]
    assert reports_count() == 0


def test_a_retry_waits_for_the_first_request_then_says_it_is_still_in_progress(client, city, monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    key = new_key()
    fields = report_fields()
    # What the first request's claim looks like while it runs: the row, without an answer yet.
    IdempotencyRecord.objects.create(scope="public", key=key, request_hash=_fingerprint_of(client, fields, key))

    response = submit(client, fields, key=key)

    error_of(response, 409, "idempotency_in_progress")
    assert int(response["Retry-After"]) >= 1
    assert reports_count() == 0


def test_a_claim_whose_request_died_is_taken_over(client, city):
    key = new_key()
    fields = report_fields()
    record = IdempotencyRecord.objects.create(
        scope="public", key=key, request_hash=_fingerprint_of(client, fields, key)
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    json_of(submit(client, fields, key=key), 201)
    replay = submit(client, fields, key=key)

    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert reports_count() == 1


def test_a_report_written_by_a_request_that_died_before_answering_is_not_written_twice(client, city):
    key = new_key()
    first = json_of(submit(client, key=key), 201)
    # The answer was never stored (the worker was killed between the commit and the answer), and time passed.
    IdempotencyRecord.objects.update(
        status_code=None, response_body="", created_at=timezone.now() - timedelta(minutes=5)
    )

    again = json_of(submit(client, key=key), 201)

    assert again["code"] == first["code"]
    assert reports_count() == 1


def test_records_expire_after_a_day(client, city, time_machine):
    time_machine.move_to("2026-11-02 09:00 +0800", tick=False)
    key = new_key()
    json_of(submit(client, key=key), 201)
    json_of(submit(client, key=new_key()), 201)

    time_machine.move_to("2026-11-03 09:30 +0800", tick=False)
    assert idempotency.idempotency_purge() == 2

    assert IdempotencyRecord.objects.count() == 0


def test_an_expired_key_may_start_again(client, city, time_machine):
    time_machine.move_to("2026-11-02 09:00 +0800", tick=False)
    key = new_key()
    json_of(submit(client, key=key), 201)

    time_machine.move_to("2026-11-03 10:00 +0800", tick=False)
    json_of(submit(client, report_fields(title="Lampu jalan padam di Jalan Sudirman"), key=key), 201)

    assert reports_count() == 2


def test_the_fingerprint_ignores_field_order_and_multipart_boundaries_but_not_content():
    def digest(fields: list[tuple[str, str]], content: bytes = b"jpeg") -> str:
        return request_hash(
            method="POST", path="/api/v1/reports", fields=fields, files=[("photos", io.BytesIO(content))]
        )

    assert digest([("a", "1"), ("b", "2")]) == digest([("b", "2"), ("a", "1")])
    assert digest([("a", "1")]) != digest([("a", "2")])
    assert digest([("a", "1")], b"one photo") != digest([("a", "1")], b"another photo")
    assert digest([("a", "1"), ("a", "2")]) != digest([("a", "2"), ("a", "1")])  # order of one field's values counts


def _fingerprint_of(client: Any, fields: dict[str, Any], key: str) -> str:
    """The fingerprint the server computes for this multipart submission without photos."""
    return request_hash(method="POST", path=f"{BASE}/reports", fields=[(k, str(v)) for k, v in fields.items()])


# --- two requests at the same time, against a real server ------------------------------------------------------


class _OwnConnectionServer(ThreadedWSGIServer):
    """Each request thread opens its own connection to a database file, as gunicorn's workers would."""

    def __init__(self, *args: Any, settings_dict: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings_dict = settings_dict

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        connections["default"] = SQLiteWrapper(dict(self.settings_dict), alias="default")
        super().process_request_thread(request, client_address)


@pytest.fixture
def server_url(request: Any, city: Any, tmp_path: Any, settings: Any) -> Iterator[tuple[str, Callable[[], int]]]:
    """A live server whose concurrent requests really run side by side, and a count of the reports it holds.

    pytest-django's live_server does that on PostgreSQL. On SQLite its test database lives in memory, where
    two connections fail at once instead of waiting for each other ("database table is locked"): so the server
    runs on a copy of that database in a file, in WAL mode with IMMEDIATE transactions, as in production.
    """
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        live_server = request.getfixturevalue("live_server")
        yield str(live_server.url), lambda: Report.objects.count()
        return
    path = tmp_path / "concurrent.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    server = _OwnConnectionServer(
        ("127.0.0.1", 0), WSGIRequestHandler, settings_dict={**connection.settings_dict, "NAME": str(path)}
    )
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def count() -> int:
        with closing(sqlite3.connect(path)) as db:
            return int(db.execute("SELECT count(*) FROM lapor_report").fetchone()[0])

    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", count
    finally:
        server.shutdown()
        server.server_close()


def _multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    lines = []
    for name, value in fields.items():
        lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{name}"', "", value]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_the_same_time_make_one_report(server_url):
    url, reports_on_server = server_url
    key = new_key()
    start = threading.Barrier(2)
    answers: list[tuple[int, bytes, str | None]] = []
    lock = threading.Lock()

    def send() -> None:
        body, content_type = _multipart(report_fields())  # each with its own boundary, as two retries would be
        request = urllib.request.Request(  # noqa: S310 - http to the test server
            f"{url}{BASE}/reports",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Idempotency-Key": key},
        )
        start.wait(timeout=10)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the live test server
                result = (response.status, response.read(), response.headers.get("Idempotent-Replayed"))
        except urllib.error.HTTPError as error:
            result = (error.code, error.read(), None)
        with lock:
            answers.append(result)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _body, _replayed in answers) == [201, 201], answers
    assert answers[0][1] == answers[1][1]
    assert sorted(str(replayed) for _status, _body, replayed in answers) == ["None", "true"]
    assert reports_on_server() == 1


# --- the framework-free rule itself (the Open311 endpoint uses it too) ---------------------------------------------


def test_run_idempotent_runs_the_handler_once_and_replays_its_answer(db):
    calls: list[int] = []

    def handler() -> idempotency.StoredResponse:
        calls.append(1)
        return idempotency.StoredResponse(201, '{"code": "BTG-7K3Q-9XFA"}', "application/json")

    first = idempotency.run_idempotent(scope="public", key="k" * 16, request_hash="a", handler=handler)
    again = idempotency.run_idempotent(scope="public", key="k" * 16, request_hash="a", handler=handler)

    assert len(calls) == 1
    assert (again.status_code, again.body, again.replayed) == (201, first.body, True)
    with pytest.raises(idempotency.KeyReusedError):
        idempotency.run_idempotent(scope="public", key="k" * 16, request_hash="b", handler=handler)
    assert (
        idempotency.run_idempotent(scope="client:7", key="k" * 16, request_hash="b", handler=handler).status_code == 201
    )


def test_run_idempotent_gives_the_key_back_after_an_error_or_an_answer_it_does_not_keep(db):
    def broken() -> idempotency.StoredResponse:
        raise RuntimeError("bug")

    def refused() -> idempotency.StoredResponse:
        return idempotency.StoredResponse(422, "{}", "application/json")

    with pytest.raises(RuntimeError):
        idempotency.run_idempotent(scope="public", key="k" * 16, request_hash="a", handler=broken)
    assert not idempotency.run_idempotent(scope="public", key="k" * 16, request_hash="a", handler=refused).replayed
    assert not IdempotencyRecord.objects.exists()
