from __future__ import annotations

import os
import re
import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError

from balai.lib.env import env_int
from balai.platform.checks import site_url_set

MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    """WEB_CONCURRENCY, else two per CPU this process may use plus one, at most eight."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return env_int("WEB_CONCURRENCY", min(2 * cores + 1, MAX_DEFAULT_WORKERS))


def bind_address(addrport: str) -> str:
    """`8000`, `ADDR:PORT`, `[::1]:8000` or `unix:/run/balai/web.sock`, as gunicorn's --bind wants it."""
    if addrport.startswith("unix:"):
        return addrport
    if addrport.isdigit():
        return f"127.0.0.1:{addrport}"
    if re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}", addrport):
        return addrport
    raise CommandError(f"{addrport!r} is not ADDR:PORT, PORT or unix:PATH")


def gunicorn_argv(*, bind: str, workers: int, threads: int, timeout: int, graceful_timeout: int) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "balai.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(graceful_timeout),
        # Recycle workers now and then so that a slow leak cannot grow for weeks.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        # Gunicorn's own messages to stderr; no access log: RequestLogMiddleware logs each request as JSON.
        "--error-logfile",
        "-",
        "--log-level",
        "info",
        # No runtime control socket ($HOME/.gunicorn/gunicorn.ctl by default): systemd and signals manage
        # the server, and two servers of one user would fight over that path.
        "--no-control-socket",
    ]
    # No --preload: the master never imports Balai, so on SIGHUP (`systemctl reload balai-web`) it starts workers
    # that import the code now on disk, while the old ones finish their requests; the socket stays open throughout.
    # A release that cannot even import is caught earlier, by `balai migrate` in the upgrade steps.
    shm = "/dev/shm"  # noqa: S108 - gunicorn's own heartbeat files, not ours
    if os.path.isdir(shm):
        # Worker heartbeats in memory, not on a possibly slow or overlay disk (containers).
        argv += ["--worker-tmp-dir", shm]
    return argv


class Command(BaseCommand):
    help = "Serve Balai in production with gunicorn (no migrations, no demo data; see docs/deploy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="ADDR:PORT, PORT or unix:PATH (127.0.0.1:8000)."
        )
        parser.add_argument(
            "--workers", type=int, help="Worker processes (default: WEB_CONCURRENCY, else 2 × CPUs + 1, at most 8)."
        )
        parser.add_argument(
            "--threads", type=int, help="Threads per worker (default: WEB_THREADS, else 1: one request per process)."
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="Seconds before a silent worker is killed and restarted (60)."
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=30,
            help="Seconds that running requests get to finish on stop or restart (30).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workers = options["workers"] or default_workers()
            threads = options["threads"] or env_int("WEB_THREADS", 1)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if workers < 1 or threads < 1:
            raise CommandError("workers and threads must be at least 1")
        for error in site_url_set():
            # Links in every email would point at this machine: refuse rather than send them.
            raise CommandError(f"{error.msg}\n{error.hint} ({error.id})")
        self._warn_about_unapplied_migrations()
        argv = gunicorn_argv(
            bind=bind_address(options["addrport"]),
            workers=workers,
            threads=threads,
            timeout=options["timeout"],
            graceful_timeout=options["graceful_timeout"],
        )
        self.stderr.write(f"balai serve: {workers} worker(s) × {threads} thread(s) on {argv[argv.index('--bind') + 1]}")
        sys.stdout.flush()
        sys.stderr.flush()
        connections.close_all()
        # Become gunicorn: same process id, so systemd and container runtimes signal the master directly.
        os.execv(sys.executable, argv)  # noqa: S606

    def _warn_about_unapplied_migrations(self) -> None:
        """Serving never migrates (run `balai migrate` on upgrade); say so when the schema is behind."""
        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            self.stderr.write(f"warning: cannot read the database's migrations: {exc}")
            return
        if plan:
            self.stderr.write(
                f"warning: {len(plan)} unapplied migration(s); pages will fail until `balai migrate` is run"
            )
