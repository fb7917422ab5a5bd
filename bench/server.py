"""A real server process for the bench: gunicorn on a free loopback port, and the memory of its workers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .client import Visitor

WORKERS = 2  # fixed, whatever the machine: one per core of the reference machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path | None = None

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log and self.log.exists() else 0

    def view_times(self, since: int = 0) -> dict[str, dict[str, float]]:
        """p50/p95 of the time Django spent on each route (Balai's one JSON line per request, the `ms` it
        measures around the middleware and the view), from byte `since` of the server's log: what the server
        itself spent, without the client's share or the wait for a free worker."""
        times: dict[str, list[float]] = {}
        if self.log is None:
            return {}
        with self.log.open("rb") as lines:
            lines.seek(since)
            for raw in lines:
                if not raw.startswith(b"{"):
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue
                if line.get("logger") == "balai.request" and "ms" in line:
                    times.setdefault(f"{line['method']} {line['route']}", []).append(float(line["ms"]))
        out = {}
        for route, values in times.items():
            values.sort()
            out[route] = {
                "n": len(values),
                "p50_ms": values[len(values) // 2],
                "p95_ms": values[min(len(values) - 1, int(len(values) * 0.95))],
            }
        return out

    def worker_pids(self) -> list[int]:
        try:
            return [child.pid for child in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []


@contextmanager
def gunicorn(*, env: dict[str, str], log: Path, workers: int = WORKERS) -> Iterator[Server]:
    """`gunicorn balai.wsgi` with the bench settings; stopped (SIGTERM, then SIGKILL) on the way out."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "balai.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "120", "--graceful-timeout", "5", "--no-control-socket", "--log-level", "warning",
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=out)  # noqa: S603
    server = Server(port, process, log)
    try:
        _wait_ready(server, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}; see {log}")
        try:
            if (
                Visitor(server.port, timeout=5).get("/healthz", expect=None).status == 200
                and len(server.worker_pids()) >= 1
            ):
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")


@dataclass
class RssSampler:
    """Samples the resident memory of each worker process (not the master) until stopped."""

    server: Server
    interval: float = 0.05
    peak_bytes: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._sample()
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for pid in self.server.worker_pids():
            try:
                rss = psutil.Process(pid).memory_info().rss
            except psutil.NoSuchProcess:
                continue
            self.peak_bytes = max(self.peak_bytes, rss)
            self.samples += 1
