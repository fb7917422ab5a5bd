from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from balai.dasbor.summary import summary_drift, summary_rebuild


class Command(BaseCommand):
    help = "Check the command center's summary tables against the reports (check), or recompute them (rebuild)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "rebuild"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        started = time.monotonic()
        if action == "rebuild":
            count = summary_rebuild()
            self.stdout.write(f"summary rebuilt from {count} reports in {time.monotonic() - started:.1f} s")
            return
        problems = summary_drift()
        for line in problems[:50]:
            self.stdout.write(line)
        if problems:
            self.stdout.write(f"{len(problems)} summary cells differ from the reports; run `balai summary rebuild`")
            sys.exit(1)
        self.stdout.write(f"summary matches the reports ({time.monotonic() - started:.1f} s)")
