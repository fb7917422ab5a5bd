from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from balai.core.models import Pemda


class Command(BaseCommand):
    help = "Migrate, load the demo city into an empty database, start the task worker and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Address and port (127.0.0.1:8000).")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo city into an empty database.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        loaded_now = False
        if not Pemda.objects.exists():
            if options["no_demo"]:
                self.stdout.write("No Pemda configured yet: run `balai wilayah import` and `balai pemda setup`.")
            else:
                self.stdout.write("Empty database: loading the demo city (Kota Bitung)…")
                call_command("demo")  # prints the logins
                loaded_now = True
        call_command("collectstatic", interactive=False, verbosity=0)
        if not loaded_now and Pemda.objects.filter(is_demo=True).exists():
            from .demo import print_logins

            print_logins(self.stdout)
        # SIGTERM (a container or service manager stopping us) would end this process without running `finally`,
        # leaving the worker behind: make it unwind like Ctrl+C does. SIGHUP (the terminal closed) too.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _stop)
        worker = subprocess.Popen([sys.executable, "-m", "balai.cli", "worker"], env=os.environ.copy())
        self.stdout.write(f"Serving on http://{options['addrport']}/  (staff: /staf/)  Ctrl+C stops.")
        try:
            call_command("runserver", options["addrport"], use_reloader=False, skip_checks=True)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)
