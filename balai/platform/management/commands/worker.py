from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

# Every module's periodic checks (deadlines, escalations, digests, mail intake) are queued this often.
PERIODIC_SECONDS = 300


def _schedule_periodic(stop: threading.Event, every: float) -> None:
    from balai.platform.tasks import periodic_enqueue

    while not stop.is_set():
        try:
            # Every module's registered checks (deadlines, escalations, digests, mail intake…), one task each.
            periodic_enqueue()
        finally:
            close_old_connections()
        stop.wait(every)


class Command(BaseCommand):
    help = "Run the background task worker (emails, deadline checks and escalations) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Process what is queued now, then exit.")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not queue the periodic deadline checks (another worker does).",
        )
        parser.add_argument("--every", type=float, default=PERIODIC_SECONDS, help="Seconds between periodic checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["batch"] and not options["no_periodic"]:
            # Several workers may queue the checks; the checks themselves send each notification once.
            threading.Thread(target=_schedule_periodic, args=(stop, options["every"]), daemon=True).start()
        extra = ["--batch"] if options["batch"] else []
        try:
            call_command("db_worker", "--interval", "1", "--no-startup-delay", *extra)
        finally:
            stop.set()
