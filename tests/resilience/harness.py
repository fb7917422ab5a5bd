"""A real Balai (gunicorn, two workers) on a database of its own, and small browsers that fill in the report form.

The server runs in its own process group so a test can kill it as a power cut would. The tests read the
server's database back with plain SQL (sqlite3 or psycopg), never through the test process's Django.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

import psutil
import psycopg
from PIL import Image
from psycopg import sql

from tests.core.as_operator import FreshDatabase

ROOT = Path(__file__).parents[2]
SECRET_KEY = "resilience-tests-only-not-a-secret-0123456789abcdefghijklmnop"
FORM_URL = "/lapor/"
SENT_PREFIX = "/lapor/terkirim/"
FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')
# Lines for the end of the pytest run (throughput and the like), written by the conftest.
SUMMARY: list[str] = []

PREPARE = """
import django
django.setup()
from django.core.management import call_command
call_command("createcachetable", verbosity=0)
from balai.platform.demo import load_demo
load_demo(reports=0, modules=False)
"""


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Database:
    """The server's database, by URL; `admin_url` and `name` are set for a PostgreSQL database made for the run."""

    url: str
    admin_url: str = ""
    name: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite:")

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one SQL statement written with %s placeholders, outside any Django connection."""
        if self.is_sqlite:
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30)) as conn:
                return conn.execute(statement.replace("%s", "?"), tuple(params)).fetchall()
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(statement, tuple(params)).fetchall()  # type: ignore[arg-type]

    @classmethod
    def migrated(cls, folder: Path) -> Database:
        """A new database beside the test run's, as `balai migrate` leaves an empty one: a copy of the run's template
        (tests/core/as_operator.py), a file for SQLite, a database of its own on PostgreSQL."""
        copy = FreshDatabase.migrated(folder)
        return cls(copy.url, copy.admin_url, copy.name)

    def drop(self) -> None:
        if self.name:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


def server_env(database: Database, folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="balai.settings",
        DATABASE_URL=database.url,
        BALAI_DATA_DIR=str(folder / "data"),
        MEDIA_ROOT=str(folder / "media"),
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        RATELIMIT_REPORTS="1000000/h",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # No collectstatic for these tests: pages link to unhashed static names.
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        # Persistent connections, as in production (and as bench/ measures).
        DB_CONN_MAX_AGE="60",
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare(env: dict[str, str]) -> None:
    """Load the demo city (no reports) into the migrated database in a subprocess, as an operator would."""
    done = subprocess.run(
        [sys.executable, "-c", PREPARE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"preparing the database failed:\n{done.stdout}\n{done.stderr}"


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, format="JPEG")
    return out.getvalue()


class Server:
    """gunicorn serving balai.wsgi with 2 workers × 4 threads; stdout and stderr go to `log_path`."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 120) -> None:
        self._log = self.log_path.open("ab")
        # No control socket: its default path (~/.gunicorn/gunicorn.ctl) is shared by every gunicorn of the user.
        command = [
            sys.executable, "-m", "gunicorn", "balai.wsgi:application", "-b", f"127.0.0.1:{self.port}",
            "-w", "2", "--threads", "4", "--timeout", "60", "--graceful-timeout", "10", "--no-control-socket",
            "--preload",  # Django is imported once, before the workers fork: a quicker start (the harness never reloads)
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log[-5000:]}")
            try:
                with closing(http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)) as conn:
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not answer /healthz within {timeout}s:\n{self.log[-5000:]}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and its live workers (the database server's not included)."""
        assert self.process is not None
        try:
            master = psutil.Process(self.process.pid)
            processes = [master, *master.children()]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0.0
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def kill(self) -> None:
        """SIGKILL to the whole process group: master and workers die mid-request, nothing is flushed."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def multipart(fields: Sequence[tuple[str, str]], files: Sequence[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type, written by hand so that any file name can be sent."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + content
        + b"\r\n"
        for name, filename, content in files
    ]
    return b"".join([*parts, f"--{boundary}--\r\n".encode()]), f"multipart/form-data; boundary={boundary}"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def sent_code(self) -> str | None:
        """The tracking code of a 302 to the confirmation page, else None."""
        location = self.headers.get("Location", "")
        if self.status == 302 and location.startswith(SENT_PREFIX):
            return location.removeprefix(SENT_PREFIX).strip("/")
        return None


class Browser:
    """One citizen's browser: a cookie jar (just name → value) and a connection, kept alive if asked.

    Without keep-alive each request comes on a new connection, as from a reverse proxy such as nginx by
    default; with it, gunicorn's gthread workers keep serving the connections they accepted first, and under
    load one worker ends up with most of the clients while the other idles.
    """

    def __init__(self, port: int, *, keep_alive: bool = False, timeout: float = 60) -> None:
        self.port = port
        self.keep_alive = keep_alive
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        """Send one request; a keep-alive connection the server closed meanwhile is reopened once.

        Resending is safe here even for a POST: the report form carries its one-time token.
        """
        for attempt in (1, 2):
            fresh = self.conn is None
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
            if not self.keep_alive:
                all_headers["Connection"] = "close"
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                raw = self.conn.getresponse()
                response = Response(raw.status, raw.headers, raw.read())
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh or attempt == 2:
                    raise
                self.reconnects += 1
                continue
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            for cookie in raw.headers.get_all("Set-Cookie") or []:
                name, _sep, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if not self.keep_alive:
                self.close()
            return response
        raise AssertionError("unreachable")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str], files: Sequence[tuple[str, str, bytes]] = ()) -> Response:
        fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        if not files:
            body = urlencode(fields).encode()
            return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        body, content_type = multipart(list(fields.items()), files)
        return self.request("POST", path, body, {"Content-Type": content_type})

    def form_token(self) -> str:
        """Open the form (which also sets the CSRF cookie) and return its one-time token."""
        page = self.get(FORM_URL)
        assert page.status == 200, f"GET {FORM_URL} answered {page.status}: {page.text[:500]}"
        match = FORM_TOKEN.search(page.text)
        assert match, "the form has no form_token"
        return match.group(1)


@dataclass(frozen=True)
class CityFacts:
    """What a citizen picks from the form's lists."""

    category_id: str
    kelurahan_code: str

    @classmethod
    def read(cls, database: Database) -> CityFacts:
        (category,) = database.query("SELECT id FROM lapor_category WHERE slug = %s", ["jalan-rusak"])
        (kelurahan,) = database.query(
            "SELECT code FROM core_wilayah WHERE level = 4 AND code LIKE %s ORDER BY code LIMIT 1", ["71.72.%"]
        )
        return cls(str(category[0]), str(kelurahan[0]))


@dataclass(frozen=True)
class Site:
    """The server's database, the environment its processes run with, and the city's choices."""

    database: Database
    env: dict[str, str]
    city: CityFacts


def report_fields(city: CityFacts, title: str, token: str, *, client: int = 0) -> dict[str, str]:
    return {
        "kind": "pengaduan",
        "category": city.category_id,
        "title": title,
        "description": f"{title}: lubang besar di tengah jalan sejak dua minggu, motor sering jatuh.",
        "kelurahan": city.kelurahan_code,
        "address": "Jl. Sam Ratulangi",
        "reporter_name": f"Warga {client}",
        "reporter_email": f"warga{client}@example.id",
        "consent": "on",
        "form_token": token,
    }


@dataclass
class Submission:
    """One report a client tried to send; `status` None means the connection failed before an answer."""

    client: int
    title: str
    fields: dict[str, str]
    files: tuple[tuple[str, str, bytes], ...] = ()
    status: int | None = None
    code: str | None = None
    error: str = ""


@dataclass
class LoadResult:
    submissions: list[Submission] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # unexpected answers to the GET of the form
    seconds: float = 0.0
    requests: int = 0
    reconnects: int = 0

    @property
    def acknowledged(self) -> list[Submission]:
        return [s for s in self.submissions if s.code is not None]


class Load:
    """`clients` browsers, each sending up to `reports_each` reports one after another (GET form, POST it).

    A client stops at its first failed connection (the server is gone). `acknowledged` counts, live, the
    reports confirmed with a redirect to their tracking code.
    """

    def __init__(
        self,
        port: int,
        city: CityFacts,
        *,
        prefix: str,
        clients: int,
        reports_each: int,
        photo: bytes | None = None,
        photo_every: int = 0,
        keep_alive: bool = False,
    ) -> None:
        self.port = port
        self.city = city
        self.prefix = prefix
        self.clients = clients
        self.reports_each = reports_each
        self.photo = photo
        self.photo_every = photo_every
        self.browsers = [Browser(port, keep_alive=keep_alive) for _ in range(clients)]
        self.result = LoadResult()
        self.acknowledged = 0
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._started = 0.0

    def start(self) -> None:
        self._started = time.perf_counter()
        self._threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(self.clients)]
        for thread in self._threads:
            thread.start()

    def join(self, timeout: float, *, stop_after: float = 0) -> LoadResult:
        """Wait for the clients; with `stop_after`, tell them after that many seconds to finish the report at hand."""
        deadline = time.monotonic() + timeout
        if stop_after:
            for thread in self._threads:
                thread.join(max(0.0, self._started + stop_after - time.perf_counter()))
            self.stop.set()
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.stop.set()
        assert not any(t.is_alive() for t in self._threads), f"the clients did not finish within {timeout}s"
        self.result.seconds = time.perf_counter() - self._started
        self.result.reconnects = sum(b.reconnects for b in self.browsers)
        for browser in self.browsers:
            browser.close()
        return self.result

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.02)

    def _client(self, number: int) -> None:
        browser = self.browsers[number]
        for index in range(self.reports_each):
            if self.stop.is_set():
                return
            try:
                token = browser.form_token()
            except (OSError, http.client.HTTPException):
                return  # the server is gone; nothing was sent yet
            except AssertionError as exc:
                with self._lock:
                    self.result.errors.append(str(exc))
                continue
            title = f"{self.prefix} {number:02d}-{index:04d} jalan berlubang"
            with_photo = self.photo is not None and self.photo_every and index % self.photo_every == 0
            files = (("photos", f"{number}-{index}.jpg", self.photo),) if with_photo and self.photo else ()
            submission = Submission(number, title, report_fields(self.city, title, token, client=number), files)
            with self._lock:
                self.result.submissions.append(submission)
                self.result.requests += 1
            try:
                response = browser.post(FORM_URL, submission.fields, files)
            except (OSError, http.client.HTTPException) as exc:
                submission.error = repr(exc)
                return
            submission.status, submission.code = response.status, response.sent_code
            if submission.code is None:
                submission.error = response.text[:2000]
            with self._lock:
                self.result.requests += 1
                if submission.code is not None:
                    self.acknowledged += 1


def reports_by_title(database: Database, prefix: str) -> dict[str, list[tuple[str, int, str]]]:
    """(code, events received, status) of every stored report whose title starts with `prefix`, by title."""
    rows = database.query(
        "SELECT r.title, r.code, r.status,"
        " (SELECT COUNT(*) FROM lapor_reportevent e WHERE e.report_id = r.id AND e.to_status = %s)"
        " FROM lapor_report r WHERE r.title LIKE %s",
        ["diterima", f"{prefix}%"],
    )
    found: dict[str, list[tuple[str, int, str]]] = {}
    for title, code, status, events in rows:
        found.setdefault(title, []).append((code, int(events), status))
    return found


def server_errors(log: str) -> list[str]:
    """Lines of the server's output that show a lock error, a traceback or a 5xx."""
    return [
        line
        for line in log.splitlines()
        if "database is locked" in line
        or "Traceback" in line
        or '"level": "ERROR"' in line
        or "[ERROR]" in line
        or "[CRITICAL]" in line
        or re.search(r'"status": 5\d\d', line)
    ]
