from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = "Check the open-data catalogue's word index against the datasets (check), or rebuild it (reindex)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "reindex"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        from balai.data.search import index_problems, index_rebuild

        started = time.monotonic()
        if action == "reindex":
            with transaction.atomic():
                count = index_rebuild()
            self.stdout.write(f"data: word index rebuilt for {count} datasets in {time.monotonic() - started:.1f} s")
            return
        problems = index_problems()
        for subject, message in problems[:50]:
            self.stdout.write(f"dataset {subject}: {message}")
        if problems:
            self.stdout.write(f"{len(problems)} problems in the word index; run `balai data reindex`")
            sys.exit(1)
        self.stdout.write("data: the word index matches the published datasets")
