"""`balai serve`: gunicorn in front of Balai for production, never migrating, stopping gracefully."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest
from django.core.management import CommandError

from balai.platform.management.commands.serve import bind_address, default_workers, gunicorn_argv

from .as_operator import ROOT, FreshDatabase, operator_env


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def serving(env: dict[str, str], log: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "balai.cli", "serve", f"127.0.0.1:{port}", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise AssertionError(f"balai serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"balai serve did not answer within 120 s:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_serve_answers_through_gunicorn_workers_and_stops_gracefully(bitung: FreshDatabase, tmp_path: Path) -> None:
    # `bitung`: the steps of docs/deploy.md, shortened to one kota (as_operator.BITUNG_STEPS), done once per run.
    env = operator_env(
        bitung, tmp_path, ALLOWED_HOSTS="127.0.0.1", SITE_URL="https://lapor.bitungkota.go.id", LOG_JSON="true"
    )
    log = tmp_path / "serve.log"

    with serving(env, log, "--workers", "2") as (process, port):
        workers = psutil.Process(process.pid).children()
        status, headers, body = get(port, "/healthz")
        ready_status, _, ready_body = get(port, "/readyz")
        page_status, page_headers, page = get(port, "/lapor/")

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=40) == 0

    assert len(workers) == 2
    assert all(not worker.is_running() for worker in workers)
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["Permissions-Policy"] == "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"
    assert ready_status == 200
    assert json.loads(ready_body)["checks"]["database"] == "ok"
    assert page_status == 200
    assert "Content-Security-Policy" in page_headers
    assert b"Kota Bitung" in page

    output = log.read_text()
    request_lines = [json.loads(line) for line in output.splitlines() if '"logger": "balai.request"' in line]
    assert {line["route"] for line in request_lines} >= {"/healthz", "/readyz"}
    assert '"GET /healthz HTTP/1.1"' not in output  # gunicorn's access log stays off
    assert "Booting worker" in output
    assert "Handling signal: term" in output
    assert "Control socket" not in output


def test_serve_never_migrates_or_loads_the_demo(fresh: FreshDatabase, tmp_path: Path) -> None:
    env = operator_env(fresh, tmp_path, ALLOWED_HOSTS="127.0.0.1", SITE_URL="https://lapor.bitungkota.go.id")
    log = tmp_path / "serve.log"

    with serving(env, log, "--workers", "1") as (_, port):
        alive, _, _ = get(port, "/healthz")
        ready, _, body = get(port, "/readyz")

    assert alive == 200  # the process is alive…
    assert (ready, json.loads(body)["status"]) == (503, "fail")  # …but not ready: the database is not migrated
    assert "unapplied migration(s); pages will fail until `balai migrate` is run" in log.read_text()
    assert "django_migrations" not in fresh.tables()  # and serving did not migrate it


def test_workers_come_from_web_concurrency_else_from_the_cpus_capped_at_eight(monkeypatch: Any) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert default_workers() == 3
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(2)))
    assert default_workers() == 5
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(64)))
    assert default_workers() == 8


def test_gunicorn_runs_balai_without_an_access_log() -> None:
    argv = gunicorn_argv(bind="127.0.0.1:8000", workers=3, threads=2, timeout=60, graceful_timeout=30)
    assert argv[1:4] == ["-m", "gunicorn", "balai.wsgi:application"]
    assert argv[argv.index("--graceful-timeout") + 1] == "30"
    assert argv[argv.index("--workers") + 1] == "3"
    assert not any(arg.startswith("--access-log") for arg in argv)


def test_serve_accepts_the_usual_addresses_and_refuses_others() -> None:
    assert bind_address("8080") == "127.0.0.1:8080"
    assert bind_address("0.0.0.0:8000") == "0.0.0.0:8000"
    assert bind_address("[::1]:8000") == "[::1]:8000"
    assert bind_address("unix:/run/balai/web.sock") == "unix:/run/balai/web.sock"
    with pytest.raises(CommandError):
        bind_address("localhost")


def test_a_reload_serves_the_code_now_on_disk_without_refusing_a_request(fresh: FreshDatabase, tmp_path: Path) -> None:
    # A settings module outside the repository stands for "the code": a new release changes what it says.
    site = tmp_path / "site"
    site.mkdir()
    module = site / "release_settings.py"
    module.write_text('from balai.settings import *  # noqa: F403\nALLOWED_HOSTS = ["127.0.0.1"]\n')
    env = operator_env(
        fresh,
        tmp_path,
        SITE_URL="https://lapor.bitungkota.go.id",
        DJANGO_SETTINGS_MODULE="release_settings",
        PYTHONPATH=str(site),
    )
    log = tmp_path / "serve.log"

    with serving(env, log, "--workers", "2") as (process, port):
        before, _, _ = get(port, "/healthz")
        old_workers = psutil.Process(process.pid).children()
        # The next release accepts only its real host name: 127.0.0.1 is then refused with 400.
        module.write_text('from balai.settings import *  # noqa: F403\nALLOWED_HOSTS = ["lapor.bitungkota.go.id"]\n')
        process.send_signal(signal.SIGHUP)
        answers: list[int | str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # Requests that come while the new workers import Django wait in the socket's queue: a patient
                # client (nginx waits 75 s for an answer) gets its answer late, never an error.
                answers.append(get(port, "/healthz", timeout=75)[0])
            except OSError as error:
                answers.append(repr(error))
            if answers[-1] == 400 and not any(worker.is_running() for worker in old_workers):
                break
            time.sleep(0.1)
        new_workers = psutil.Process(process.pid).children()
        assert process.poll() is None  # the master (and its socket) lived through the reload

    assert before == 200
    assert answers[-1] == 400  # the new workers read the new release
    assert set(answers) <= {200, 400}  # and no request was refused or dropped on the way
    assert len(new_workers) == 2
    assert not {worker.pid for worker in new_workers} & {worker.pid for worker in old_workers}
    assert "Handling signal: hup" in log.read_text()
