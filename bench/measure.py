"""One database's figures: page weight, page latency at SMALL and LARGE reports, worker memory, intake rate.

    DATABASE_URL=sqlite:///var/bench/x.sqlite3 uv run python -m bench.measure --small 10000 --large 100000 --out x.json

`bench.run` calls it once on SQLite and once on a throw-away PostgreSQL (`scripts/with-postgres.sh`).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import gzip
import json
import math
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from . import figures
from .client import HttpError, Reply, Visitor, csrf_token, form_token
from .figures import BenchFailedError, latency_summary, percentile
from .server import WORKERS, RssSampler, Server, gunicorn

# The environment of the measuring process and of the server: the bench settings (Balai's, plus the
# baseline app), rate limits out of the way, and persistent database connections as in production.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "RATELIMIT_REPORTS": "1000000/h",
    "RATELIMIT_TRACK": "1000000/m",
    "DEBUG": "false",
}
SERVER_ENV_DEFAULTS = {"DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "INFO"}


@dataclass(frozen=True)
class Page:
    """A page timed at SMALL and at LARGE. `path` is filled per request from `Variants.pick`."""

    name: str
    path: str
    user: str = ""  # a demo user to sign in as first (password of balai.platform.demo); "" for a citizen


# One line adds a page. A page whose URL answers 404 is skipped, and the results say so.
# Placeholders: {code} a public report, {any_code} any report (rahasia too), {page} a list page 1..50,
# {few} a page 1..3, {status} {kecamatan} {category} {word} filter values.
PAGES = [
    Page("home", "/"),
    Page("list", "/laporan/?halaman={page}"),
    Page("list_filtered", "/laporan/?status={status}&kecamatan={kecamatan}&halaman={few}"),
    Page("list_search", "/laporan/?q={word}"),
    Page("report", "/laporan/{code}/"),
    Page("track", "/lacak/{any_code}/"),
    Page("staff_home", "/staf/", user="koordinator"),
    Page("inbox", "/staf/laporan/?halaman={few}", user="koordinator"),
    Page("inbox_overdue", "/staf/laporan/?due=overdue&kecamatan={kecamatan}", user="koordinator"),
    Page("staff_report", "/staf/laporan/{any_code}/", user="koordinator"),
    Page("operator_inbox", "/staf/laporan/?halaman={few}", user="operator.pupr"),
    Page("command_center", "/staf/dasbor/?periode=12-bulan", user="koordinator"),
    Page("command_center_opd", "/staf/dasbor/?periode=12-bulan", user="kepala.pupr"),
]
MIN_REQUESTS = 30
SEARCH_WORDS = ["sampah", "jalan", "lampu", "banjir", "puskesmas", "got", "parkir", "bansos", "sekolah", "pungutan"]


@dataclass
class Variants:
    codes: list[str]
    any_codes: list[str]
    statuses: list[str]
    kecamatan: list[str]
    categories: list[str]
    list_pages: int = 50

    def pick(self, rng: random.Random) -> dict[str, str]:
        return {
            "code": rng.choice(self.codes),
            "any_code": rng.choice(self.any_codes),
            "page": str(rng.randint(1, self.list_pages)),
            "few": str(rng.randint(1, 3)),
            "status": rng.choice(self.statuses),
            "kecamatan": rng.choice(self.kecamatan),
            "category": rng.choice(self.categories),
            "word": rng.choice(SEARCH_WORDS),
        }


def _variants(rng: random.Random) -> Variants:
    from django.db.models import Max, Min

    from balai.core.models import Wilayah
    from balai.core.selectors import pemda_current
    from balai.lapor.models import Category, Report, Status

    bounds = Report.objects.aggregate(low=Min("id"), high=Max("id"))
    ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(900)]
    pemda = pemda_current()
    assert pemda is not None  # noqa: S101 - prepared by bench.generate.prepare_database
    return Variants(
        codes=list(Report.objects.public().filter(pk__in=ids).values_list("code", flat=True)),
        any_codes=list(Report.objects.filter(pk__in=ids).values_list("code", flat=True)),
        statuses=[s for s in Status.values if s != Status.DIARSIPKAN],
        kecamatan=list(Wilayah.objects.kecamatan_of(pemda.wilayah_id).values_list("code", flat=True)),
        categories=list(Category.objects.filter(is_active=True).values_list("slug", flat=True)),
    )


def sign_in(port: int, username: str) -> Visitor:
    """A staff member's browser, signed in through the login form like a person."""
    from balai.platform.demo import DEMO_PASSWORD

    visitor = Visitor(port)
    page = visitor.get("/staf/masuk/")
    reply = visitor.post_form(
        "/staf/masuk/",
        [("csrfmiddlewaretoken", csrf_token(page.body)), ("username", username), ("password", DEMO_PASSWORD)],
    )
    if reply.status != 302:
        raise HttpError(f"sign-in as {username} failed: {reply.status}")
    return visitor


def time_pages(
    servers: dict[str, Server], variants: dict[str, Variants], *, requests: int, warmup: int, seed: int, budget: float
) -> dict[str, dict[str, Any]]:
    """Sequential GETs of every page of PAGES on each server, alternating between them request by request.

    Both sizes are served at the same time (one server per database), so whatever else the machine does
    slows both alike. Per page: `warmup` untimed requests, then up to `requests` timed ones with varied
    parameters; a page stops early after `budget` seconds (never before MIN_REQUESTS), so that a page that
    became slow cannot blow the time limit of `make bench`; `n` says how many counted.
    """
    rng = random.Random(seed)  # noqa: S311 - load pattern, not security
    visitors: dict[tuple[str, str], Visitor] = {}
    results: dict[str, dict[str, Any]] = {size: {} for size in servers}

    def path(page: Page, size: str) -> str:
        return page.path.format_map(variants[size].pick(rng))

    for page in PAGES:
        for size, server in servers.items():
            if (size, page.user) not in visitors:
                visitors[size, page.user] = sign_in(server.port, page.user) if page.user else Visitor(server.port)
        if any(visitors[size, page.user].get(path(page, size), expect=None).status == 404 for size in servers):
            for size in servers:
                results[size][page.name] = {"path": page.path, "skipped": "404: no such page in this version"}
            continue
        for _ in range(warmup):
            for size in servers:
                visitors[size, page.user].get(path(page, size))
        samples: dict[str, list[float]] = {size: [] for size in servers}
        deadline = time.perf_counter() + (budget or float("inf"))
        while len(samples[next(iter(servers))]) < requests:
            if len(samples[next(iter(servers))]) >= MIN_REQUESTS and time.perf_counter() > deadline:
                break
            for size in rng.sample(list(servers), len(servers)):
                samples[size].append(visitors[size, page.user].get(path(page, size)).seconds)
        for size in servers:
            results[size][page.name] = {"path": page.path, **latency_summary(samples[size])}
    return results


STALE_FIGURES = "/_bench/home-figures-stale"


def time_home_cold(
    servers: dict[str, Server], *, requests: int, warmup: int, seed: int, budget: float
) -> dict[str, Any]:
    """The home page when its figures must be recounted (their five minutes are over), at each size.

    Before each GET / the bench-only `POST /_bench/home-figures-stale` (untimed) makes the cached figures as old
    as they are after FIGURES_MAX_AGE, so the GET takes the path of the one visitor in five minutes who recounts
    them. That POST also says whether the previous GET did recount (it finds the figures `fresh`); if it did
    not, the sample was not cold and the run fails. Sizes alternate request by request as in `time_pages`.
    """
    rng = random.Random(seed)  # noqa: S311 - load pattern, not security
    visitors = {size: Visitor(server.port) for size, server in servers.items()}
    after_cold_get = dict.fromkeys(servers, False)
    checked = dict.fromkeys(servers, 0)

    def make_stale(size: str) -> None:
        reply = visitors[size].request("POST", STALE_FIGURES, body=b"")
        if reply.status != 200:
            raise HttpError(f"POST {STALE_FIGURES}: {reply.status}")
        if after_cold_get[size]:
            if reply.body != b"fresh":
                raise BenchFailedError(f"home_cold: GET / at {size} did not recount its figures ({reply.body!r})")
            checked[size] += 1

    def cold_get(size: str) -> float:
        make_stale(size)
        seconds = visitors[size].get("/").seconds
        after_cold_get[size] = True
        return seconds

    for _ in range(warmup):
        for size in servers:
            cold_get(size)
    samples: dict[str, list[float]] = {size: [] for size in servers}
    first = next(iter(servers))
    deadline = time.perf_counter() + (budget or float("inf"))
    while len(samples[first]) < requests:
        if len(samples[first]) >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
        for size in rng.sample(list(servers), len(servers)):
            samples[size].append(cold_get(size))
    for size in servers:
        make_stale(size)  # checks the last sample; the next visitor recounts
    out: dict[str, Any] = {size: latency_summary(samples[size]) for size in servers}
    out["p95_ratio"] = figures.ratio(out["large"]["p95_ms"], out["small"]["p95_ms"], 2)
    out["recounts_checked"] = checked
    return out


# --- intake ------------------------------------------------------------------------------------


@dataclass
class Load:
    done: int  # actions that finished inside the counted window
    seconds: float
    errors: list[str]
    latencies: dict[str, list[float]]
    acknowledged: int = 0  # every action that succeeded, warm-up and late ones too: what the server confirmed

    @property
    def rate(self) -> float:
        return figures.rate(self.done, self.seconds)

    def __add__(self, other: Load) -> Load:
        latencies = {
            k: self.latencies.get(k, []) + other.latencies.get(k, []) for k in {*self.latencies, *other.latencies}
        }
        return Load(
            self.done + other.done,
            self.seconds + other.seconds,
            self.errors + other.errors,
            latencies,
            self.acknowledged + other.acknowledged,
        )


Action = Callable[[random.Random, dict[str, list[float]]], None]


class ClientAction:
    """An action with state of its own per client."""

    def for_client(self, number: int) -> Action:
        raise NotImplementedError


def hammer(action: Action | ClientAction, *, clients: int, warmup: float, seconds: float) -> Load:
    """`clients` threads repeat `action` for `warmup` + `seconds`; what finishes in the last `seconds` counts.

    The clients keep going through the whole time, so the counted window sees the steady state. `action` is
    either the same for every client or, given a `ClientAction`, made for each client number. An action that
    raises is an error (the run fails on any); one that returns was acknowledged by the server.
    """
    lock = threading.Lock()
    done, acknowledged, errors = [0], [0], []
    latencies: dict[str, list[float]] = {}
    window_start = time.perf_counter() + warmup
    deadline = window_start + seconds

    def client(number: int) -> None:
        rng = random.Random(number)  # noqa: S311 - load pattern, not security
        act = action.for_client(number) if isinstance(action, ClientAction) else action
        mine: dict[str, list[float]] = {}
        count = acked = 0
        while time.perf_counter() < deadline:
            try:
                act(rng, mine)
            except Exception as exc:  # any failure of a request is an error of the load
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                continue
            acked += 1
            if window_start <= time.perf_counter() <= deadline:
                count += 1
        with lock:
            done[0] += count
            acknowledged[0] += acked
            for key, values in mine.items():
                latencies.setdefault(key, []).extend(values)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(done[0], seconds, errors, latencies, acknowledged[0])


def baseline_post(port: int, path: str, name: str) -> Action:
    """A bench-only baseline request (`/_bench/insert`, `/_bench/same-writes`): it must answer 200."""

    def action(rng: random.Random, latencies: dict[str, list[float]]) -> None:
        reply = Visitor(port).request("POST", path, body=b"")
        if reply.status != 200:
            raise HttpError(f"POST {path}: {reply.status}")
        latencies.setdefault(name, []).append(reply.seconds)

    return action


@dataclass
class OpenForm:
    """A form a new visitor has opened: their cookies and the fields they will send."""

    visitor: Visitor
    fields: list[tuple[str, str]]


def citizen_forms(port: int) -> Callable[[random.Random, dict[str, list[float]]], OpenForm]:
    """A new visitor opens the form (GET /lapor/: a new CSRF cookie and `form_token`) and fills it in with a
    complete report (with an email, so one is queued)."""
    from balai.core.models import Wilayah
    from balai.core.selectors import pemda_current
    from balai.lapor.models import Category
    from balai.platform.demo import CATEGORIES, PLACES, STREETS

    pemda = pemda_current()
    assert pemda is not None  # noqa: S101 - prepared by bench.generate.prepare_database
    categories = {c.slug: str(c.pk) for c in Category.objects.filter(is_active=True)}
    kelurahan = list(Wilayah.objects.kelurahan_of(pemda.wilayah_id).values_list("code", flat=True))
    titles = [(slug, title) for slug, *_rest, samples in CATEGORIES for title in samples if slug in categories]

    def open_form(rng: random.Random, latencies: dict[str, list[float]]) -> OpenForm:
        visitor = Visitor(port)
        form = visitor.get("/lapor/")
        if form.status != 200:
            raise HttpError(f"GET /lapor/: {form.status}")
        latencies.setdefault("get_form", []).append(form.seconds)
        slug, title = rng.choice(titles)
        street, place = rng.choice(STREETS), rng.choice(PLACES)
        title = title.format(street=street, place=place, kel="Girian")
        fields = [
            ("csrfmiddlewaretoken", csrf_token(form.body)),
            ("form_token", form_token(form.body)),
            ("kind", "pengaduan"),
            ("category", categories[slug]),
            ("title", title),
            ("description", f"{title}. Sudah seminggu belum ada perbaikan, mohon segera ditangani. Dekat {place}."),
            ("kelurahan", rng.choice(kelurahan)),
            ("address", f"{street} dekat {place}"),
            ("latitude", ""),
            ("longitude", ""),
            ("reporter_name", "Warga Bench"),
            ("reporter_email", f"warga{rng.randint(1, 10**6)}@contoh.id"),
            ("reporter_phone", f"0812{rng.randint(10**7, 10**8 - 1)}"),
            ("consent", "on"),
            ("website", ""),
        ]
        return OpenForm(visitor, fields)

    return open_form


def send_report(form: OpenForm, latencies: dict[str, list[float]]) -> None:
    """POST the filled form as a browser does (`multipart/form-data`); it must answer 302 to the confirmation."""
    sent = form.visitor.post_form("/lapor/", form.fields, multipart=True)
    location = sent.header("Location") or ""
    if sent.status != 302 or "/lapor/terkirim/" not in location:
        raise HttpError(f"POST /lapor/: {sent.status} {location}")
    latencies.setdefault("post_form", []).append(sent.seconds)


def citizen_visit(port: int) -> Action:
    """The whole visit, both requests in the load: open the form, send it."""
    open_form = citizen_forms(port)

    def action(rng: random.Random, latencies: dict[str, list[float]]) -> None:
        send_report(open_form(rng, latencies), latencies)

    return action


class FormPosts(ClientAction):
    """The form POST alone in the load: each client's forms are opened before its load starts (untimed, the
    way citizens open the form at their own pace before sending it); a client that runs out opens the next
    form inside the load, where it costs what it costs."""

    def __init__(self, port: int, *, clients: int) -> None:
        self.open_form = citizen_forms(port)
        self.clients = clients
        self.ready: dict[int, list[OpenForm]] = {}
        self.opened_in_load = 0
        self._lock = threading.Lock()

    def prepare(self, per_client: int) -> None:
        failures: list[str] = []

        def fill(number: int) -> None:
            rng = random.Random(1000 + number + len(self.ready.get(number, [])))  # noqa: S311 - load pattern
            try:
                forms = [self.open_form(rng, {}) for _ in range(per_client)]
            except Exception as exc:  # reported below: the run fails
                with self._lock:
                    failures.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                return
            with self._lock:
                self.ready[number] = forms

        threads = [threading.Thread(target=fill, args=(n,)) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise BenchFailedError(f"opening the forms before the form load: {'; '.join(failures[:3])}")

    def for_client(self, number: int) -> Action:
        def post(rng: random.Random, latencies: dict[str, list[float]]) -> None:
            with self._lock:
                forms = self.ready.get(number)
                form = forms.pop() if forms else None
            if form is None:
                self.opened_in_load += 1
                form = self.open_form(rng, latencies)
            send_report(form, latencies)

        return post


def _row_marks() -> dict[str, Any]:
    """Where the tables the intake loads write to stand before them (highest ids, counts of small tables)."""
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    from balai.core.models import AuditEvent
    from balai.lapor.models import Report, ReportEvent

    from .baseline.models import Hit
    from .baseline.same_writes import TASK_QUEUE

    return {
        "report": Report.objects.aggregate(m=Max("id"))["m"] or 0,
        "event": ReportEvent.objects.aggregate(m=Max("id"))["m"] or 0,
        "audit": AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0,
        "tasks": DBTaskResult.objects.exclude(queue_name=TASK_QUEUE).count(),
        "bench_tasks": DBTaskResult.objects.filter(queue_name=TASK_QUEUE).count(),
        "hits": Hit._default_manager.count(),
    }


def _stored_since(marks: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The rows written since `marks`: real reports' apart from the same-writes baseline's (CODE_PREFIX)."""
    from django_tasks_db.models import DBTaskResult

    from balai.core.models import AuditEvent
    from balai.lapor.models import Report, ReportEvent

    from .baseline.models import Hit
    from .baseline.same_writes import CODE_PREFIX, TASK_QUEUE

    reports = Report.objects.filter(pk__gt=marks["report"])
    events = ReportEvent.objects.filter(pk__gt=marks["event"])
    audit = AuditEvent.objects.filter(pk__gt=marks["audit"], action="report.submit")
    tasks = DBTaskResult.objects.exclude(queue_name=TASK_QUEUE).count() - marks["tasks"]
    bench_tasks = DBTaskResult.objects.filter(queue_name=TASK_QUEUE).count() - marks["bench_tasks"]
    return {
        "reports": {
            "reports": reports.exclude(code__startswith=CODE_PREFIX).count(),
            "events": events.exclude(report__code__startswith=CODE_PREFIX).count(),
            "audit_records": audit.exclude(object_id__startswith=CODE_PREFIX).count(),
            "queued_emails": tasks,
        },
        "same_writes": {
            "reports": reports.filter(code__startswith=CODE_PREFIX).count(),
            "events": events.filter(report__code__startswith=CODE_PREFIX).count(),
            "audit_records": audit.filter(object_id__startswith=CODE_PREFIX).count(),
            "queued_tasks": bench_tasks,
        },
        "baseline": {"inserts": Hit._default_manager.count() - marks["hits"]},
    }


def intake(server: Server, *, clients: int, seconds: float, rounds: int = 2) -> dict[str, Any]:
    """Reports per second through the form POST, and through the whole visit (GET + POST), against the two
    baselines' requests per second (a bare insert; the same rows as a report in plain SQL); the loads take
    turns (`rounds` each) so that whatever else the machine does weighs on all of them alike.

    Any failed request stops the run (BenchFailedError); afterwards every acknowledged write must be stored.
    """
    from django.db import connection

    posts = FormPosts(server.port, clients=clients)
    actions: dict[str, Action | ClientAction] = {
        "baseline": baseline_post(server.port, "/_bench/insert", "insert"),
        "same_writes": baseline_post(server.port, "/_bench/same-writes", "same_writes"),
        "form": posts,
        "visit": citizen_visit(server.port),
    }
    warmups = {"baseline": 0.5, "same_writes": 1.0, "form": 1.5, "visit": 1.5}
    loads: dict[str, Load] = {name: Load(0, 0.0, [], {}) for name in actions}
    marks = _row_marks()
    log_start = server.log_size()
    connection.close()  # no transaction or lock of ours while the server writes
    per_client = 150  # about a round at 200 reports/s; then sized by the pace seen
    for _round in range(rounds):
        for name, action in actions.items():
            window = seconds / rounds
            if name == "form":
                posts.prepare(per_client)
            load = hammer(action, clients=clients, warmup=warmups[name], seconds=window)
            loads[name] += load
            problems = figures.load_problems(f"intake {name}", load.errors, load.done)
            if problems:
                raise BenchFailedError("; ".join(problems))
            if name == "form":
                # Enough for the next round at this round's pace (the warm-up's reports too), with room to spare.
                pace = loads["form"].rate / clients * (warmups["form"] + window)
                per_client = max(per_client, math.ceil(pace * 1.3) + 5)
    stored = _stored_since(marks)
    results: dict[str, Any] = {"clients": clients, "seconds": seconds, "rounds": rounds, "workers": WORKERS}
    for name, load in loads.items():
        results[name] = {
            "per_second": round(load.rate, 1),
            "done": load.done,
            "acknowledged": load.acknowledged,
            "errors": len(load.errors),
            "first_errors": load.errors[:3],
            **{f"{key}_p50_ms": round(percentile(v, 0.5) * 1000, 1) for key, v in load.latencies.items() if v},
            **{f"{key}_p95_ms": round(percentile(v, 0.95) * 1000, 1) for key, v in load.latencies.items() if v},
        }
    results["form"]["forms_opened_in_load"] = posts.opened_in_load
    # What the server itself spent per request (all loads and warm-ups together), from its request log.
    results["server_view_ms"] = {
        route: times
        for route, times in server.view_times(log_start).items()
        if route in ("POST /_bench/insert", "POST /_bench/same-writes", "GET /lapor/", "POST /lapor/")
    }
    # Every write acknowledged (warm-ups included) must be stored whole, no more and no less: each report the
    # form and visit loads got a 302 for with its event, audit record and queued email; each same-writes
    # request's rows; each insert.
    sent = loads["form"].acknowledged + loads["visit"].acknowledged
    results["stored"] = {
        "sent": sent,
        **stored["reports"],
        "checks": {
            "form_and_visit": {"acknowledged": sent, **stored["reports"]},
            "same_writes": {"acknowledged": loads["same_writes"].acknowledged, **stored["same_writes"]},
            "baseline": {"acknowledged": loads["baseline"].acknowledged, **stored["baseline"]},
        },
    }
    form, base = results["form"]["per_second"], results["baseline"]["per_second"]
    results["ratio"] = figures.ratio(form, base)
    results["visit_ratio"] = figures.ratio(results["visit"]["per_second"], base)
    results["same_writes_ratio"] = figures.ratio(form, results["same_writes"]["per_second"])
    return results


# --- page weight -------------------------------------------------------------------------------


class _Assets(HTMLParser):
    """What a browser fetches for a page without running scripts: stylesheets, scripts, images, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        rel = (a.get("rel") or "").lower().split()
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(rel) and a.get("href"):
            self.urls.append(a["href"] or "")
        elif tag in ("script", "img", "source") and a.get("src"):
            self.urls.append(a["src"] or "")


def _css_urls(css: bytes) -> list[str]:
    import re

    found = re.findall(rb"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css)
    return [u.decode() for u in found if not u.startswith(b"data:")]


def _decoded(reply: Reply) -> bytes:
    encoding = (reply.header("Content-Encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(reply.body)
    if encoding == "br":  # pragma: no cover - no brotli module in the project; the server cannot send it
        raise RuntimeError("brotli response but no brotli decoder")
    return reply.body


def page_weight(port: int, path: str) -> dict[str, Any]:
    """Bytes on the wire (headers included) for a first visit: the HTML and everything it references.

    `kb` is what the server sends today; `kb_gzip` is the same with the HTML gzipped as nginx's
    `gzip on;` would (level 1, its default). Static files are counted as served (WhiteNoise's .gz).
    """
    visitor = Visitor(port)
    page = visitor.get(path)
    html = _decoded(page)
    parser = _Assets()
    parser.feed(html.decode())
    queue = [urljoin(path, u) for u in parser.urls]
    seen: set[str] = set()
    assets: list[dict[str, Any]] = []
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if url in seen or (parts.netloc and parts.netloc != f"127.0.0.1:{port}"):
            continue  # another host (map tiles) is not counted
        seen.add(url)
        reply = visitor.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assets.append(
            {"url": parts.path, "bytes": reply.wire_bytes, "encoding": reply.header("Content-Encoding") or "identity"}
        )
        if (reply.header("Content-Type") or "").startswith("text/css"):
            queue.extend(urljoin(url, u) for u in _css_urls(_decoded(reply)))
    html_encoding = page.header("Content-Encoding") or "identity"
    html_gzip = len(gzip.compress(html, compresslevel=1)) if html_encoding == "identity" else len(page.body)
    asset_bytes = sum(a["bytes"] for a in assets)
    return {
        "path": path,
        "html_bytes": page.wire_bytes,
        "html_encoding": html_encoding,
        "html_uncompressed_bytes": len(html),
        "html_gzip_bytes": page.header_bytes + html_gzip,
        "assets": assets,
        "kb": round((page.wire_bytes + asset_bytes) / 1024, 1),
        "kb_gzip": round((page.header_bytes + html_gzip + asset_bytes) / 1024, 1),
    }


# --- the run -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _turn(directory: Path | None, name: str, parties: int) -> Iterator[None]:
    """Wait until the `parties` measuring processes have all generated their data, then take turns.

    The databases are filled side by side (which keeps `make bench` within its time), but nothing else
    may run while one of them is being timed.
    """
    if directory is None:
        yield
        return
    (directory / f"{name}.ready").touch()
    deadline = time.monotonic() + 3600
    while len(list(directory.glob("*.ready"))) < parties:
        if list(directory.glob("*.failed")):
            raise SystemExit("another database's run failed")
        if time.monotonic() > deadline:
            raise SystemExit("the other databases were not ready within an hour")
        time.sleep(0.5)
    with (directory / "turn.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _database_info() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": str(version)}


def _create_postgres_database(url: str) -> None:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _copy_database(url: str) -> str:
    """A copy of the (SMALL) database next to it, to grow to LARGE; returns its URL. Nobody may be connected."""
    from django.db import connections

    connections.close_all()
    if url.startswith("sqlite:///"):
        import sqlite3

        source = url.removeprefix("sqlite:///")
        target = source.removesuffix(".sqlite3") + "-large.sqlite3"
        for leftover in Path(target).parent.glob(Path(target).name + "*"):
            leftover.unlink()
        with sqlite3.connect(source) as small, sqlite3.connect(target) as large:
            small.backup(large)
        return f"sqlite:///{target}"
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_large"')
        conn.execute(f'CREATE DATABASE "{name}_large" TEMPLATE "{name}"')
    return f"{base}/{name}_large"


def _use_database(url: str) -> None:
    """Point this process's default connection at another database of the same kind."""
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = (
        url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.rpartition("/")[2]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure one database (DATABASE_URL); see bench/README.md.")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and size")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument(
        "--cold-requests", type=int, default=100, help="timed cold requests of the home page per size (at most)"
    )
    parser.add_argument("--page-seconds", type=float, default=4.0, help="time budget per page, both sizes (0: none)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients for the intake figure")
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each intake load")
    parser.add_argument(
        "--jobs", type=int, default=0, help="generator processes (default: PostgreSQL one per core, SQLite one)"
    )
    parser.add_argument(
        "--intake-only",
        action="store_true",
        help="only the intake loads, on SMALL reports (quick; see bench/README.md)",
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--barrier", type=Path, help="a folder shared with the other databases' runs (bench.run)")
    parser.add_argument("--parties", type=int, default=1, help="how many runs share the barrier")
    args = parser.parse_args()
    # Stopped from outside: leave through the `finally` blocks, which stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    try:
        _measure(args)
    except BaseException as exc:
        if args.barrier:  # the other runs must not wait for this one
            (args.barrier / f"{vendor}.failed").touch()
        if isinstance(exc, BenchFailedError):
            print(f"bench ({vendor}): FAILED, no figures: {exc}", file=sys.stderr, flush=True)
            sys.exit(1)
        raise


def _finish(result: dict[str, Any], out: Path) -> None:
    """Write the result file; then fail the run if it did not keep its word (the file says why)."""
    problems = figures.result_problems(result)
    result["problems"] = problems
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    if problems:
        raise BenchFailedError("; ".join(problems))


def _measure(args: argparse.Namespace) -> None:
    os.environ.update(SERVER_ENV)
    for key, value in SERVER_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        _create_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from balai.dasbor.summary import summary_rebuild

    from .generate import generate, prepare_database

    url = os.environ["DATABASE_URL"]

    started = time.perf_counter()
    data_dir = Path(os.environ.get("BALAI_DATA_DIR", "var"))
    result: dict[str, Any] = {"small": args.small, "large": args.large}

    def say(text: str) -> None:
        print(f"[{connection.vendor} {time.perf_counter() - started:5.0f} s] {text}", flush=True)

    prepare_database()
    call_command("collectstatic", interactive=False, verbosity=0)
    result["database"] = _database_info()
    say(f"{result['database']['vendor']} {result['database']['version']}: generating {args.small:,} reports")
    generated = [generate(count=args.small, seed=1, jobs=args.jobs)]
    summary_rebuild()  # the generator bypasses the services that keep the command center's summary
    if args.intake_only:
        base_env = {k: os.environ[k] for k in (*SERVER_ENV, *SERVER_ENV_DEFAULTS)}
        connections.close_all()
        with gunicorn(env={**base_env, "DATABASE_URL": url}, log=data_dir / "gunicorn-intake.log") as server:
            say(f"intake at {args.small:,}: {args.clients} clients, {args.seconds:.0f} s for each load")
            result["intake"] = intake(server, clients=args.clients, seconds=args.seconds)
        _finish(result, args.out)
        got = result["intake"]
        say(
            f"done: intake ratio {got['ratio']} (form POST {got['form']['per_second']}/s, baseline "
            f"{got['baseline']['per_second']}/s), same-writes ratio {got['same_writes_ratio']} "
            f"({got['same_writes']['per_second']}/s), visit ratio {got['visit_ratio']} ({got['visit']['per_second']}/s)"
        )
        return
    say(
        f"{generated[0].reports_per_second:,.0f} reports/s; copying the database and adding {args.large - args.small:,}"
    )
    urls = {"small": url, "large": _copy_database(url)}
    _use_database(urls["large"])
    generated.append(generate(count=args.large - args.small, seed=2, jobs=args.jobs))
    summary_rebuild()
    say(f"{generated[1].reports_per_second:,.0f} reports/s; ready to time pages at {args.small:,} and {args.large:,}")
    rng = random.Random(3)  # noqa: S311 - load pattern, not security
    variants = {"large": _variants(rng)}
    _use_database(urls["small"])
    variants["small"] = _variants(rng)
    base_env = {k: os.environ[k] for k in (*SERVER_ENV, *SERVER_ENV_DEFAULTS)}
    connections.close_all()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_turn(args.barrier, connection.vendor, args.parties))
        say("timing")
        servers = {
            size: stack.enter_context(
                gunicorn(
                    env={**base_env, "DATABASE_URL": urls[size]},
                    log=data_dir / f"gunicorn-{connection.vendor}-{size}.log",
                )
            )
            for size in ("small", "large")
        }
        result["weight"] = {
            "home": page_weight(servers["small"].port, "/"),
            "form": page_weight(servers["small"].port, "/lapor/"),
        }
        samplers = {size: stack.enter_context(RssSampler(server)) for size, server in servers.items()}
        timed_pages = time_pages(
            servers, variants, requests=args.requests, warmup=args.warmup, seed=4, budget=args.page_seconds
        )
        for sampler in samplers.values():
            sampler.stop()
        small, large = timed_pages["small"], timed_pages["large"]
        say("the home page with its figures recounted (cold)")
        result["home_cold"] = time_home_cold(
            servers, requests=args.cold_requests, warmup=2, seed=5, budget=args.page_seconds
        )
        say(
            f"intake at {args.large:,}: {args.clients} clients, {args.seconds:.0f} s each for the baseline and the form"
        )
        _use_database(urls["large"])
        result["intake"] = intake(servers["large"], clients=args.clients, seconds=args.seconds)
    small_rss, large_rss = samplers["small"], samplers["large"]

    pages = {}
    for name, at_small in small.items():
        at_large = large[name]
        if "skipped" in at_small:
            pages[name] = at_small
            continue
        pages[name] = {
            "path": at_small["path"],
            "small": {k: v for k, v in at_small.items() if k != "path"},
            "large": {k: v for k, v in at_large.items() if k != "path"},
            "p95_ratio": figures.ratio(at_large["p95_ms"], at_small["p95_ms"], 2),
        }
    timed = {name: p for name, p in pages.items() if "p95_ratio" in p}
    worst = max(timed, key=lambda name: timed[name]["p95_ratio"])
    result["scale"] = {
        "requests_per_page": args.requests,
        "warmup_per_page": args.warmup,
        "seconds_per_page": args.page_seconds,
        "pages": pages,
        "ratio_max": timed[worst]["p95_ratio"],
        "worst_page": worst,
    }
    result["generation"] = [
        {
            "reports": g.reports,
            "events": g.events,
            "seconds": round(g.seconds, 1),
            "per_second": round(g.reports_per_second),
            "cpu_seconds": round(g.cpu_seconds, 1),
        }
        for g in generated
    ]
    result["memory"] = {
        "peak_rss_mb": round(max(small_rss.peak_bytes, large_rss.peak_bytes) / 2**20, 1),
        "peak_rss_mb_small": round(small_rss.peak_bytes / 2**20, 1),
        "peak_rss_mb_large": round(large_rss.peak_bytes / 2**20, 1),
        "samples": small_rss.samples + large_rss.samples,
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    _finish(result, args.out)
    say(
        f"done: intake {result['intake']['ratio']}, same-writes {result['intake']['same_writes_ratio']}, "
        f"worst p95 ratio {result['scale']['ratio_max']} ({worst}), home cold p95 "
        f"{result['home_cold']['small']['p95_ms']} → {result['home_cold']['large']['p95_ms']} ms, "
        f"rss {result['memory']['peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
