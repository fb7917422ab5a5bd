from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from balai.core.models import Pemda


def _reachable(host: str) -> str:
    """The address others use for a server listening on `host`: the machine's own for 0.0.0.0 or ::."""
    if host not in {"0.0.0.0", "::", ""}:  # noqa: S104 - comparing, not binding
        return host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # a documentation address: UDP connect sends nothing, picks the route
            return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"


def use_address(addrport: str) -> str:
    """Make `http://ADDR:PORT` the site's address (links in emails, Open311, the API) unless SITE_URL is set.

    The worker started by `balai run` inherits it through the environment; the host is also allowed as a Host
    header, so that a phone on the same network can open the links."""
    given = os.environ.get("SITE_URL", "").strip()
    if given:
        return settings.SITE_URL
    host, _sep, port = addrport.rpartition(":") if ":" in addrport else ("127.0.0.1", ":", addrport)
    host = _reachable(host.strip("[]"))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}"
    settings.SITE_URL = url
    os.environ["SITE_URL"] = url
    if shown not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, shown]
    return url


class Command(BaseCommand):
    help = "Migrate, load the demo city into an empty database, start the task worker and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Address and port (127.0.0.1:8000).")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo city into an empty database.")

    def handle(self, *args: Any, **options: Any) -> None:
        site_url = use_address(options["addrport"])
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
        self.stdout.write(
            f"Serving on http://{options['addrport']}/ (links in emails: {site_url}/, staff: /staf/)  Ctrl+C stops."
        )
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
