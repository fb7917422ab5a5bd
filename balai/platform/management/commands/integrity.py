from __future__ import annotations

import sys
from collections import Counter
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from balai.platform import integrity


class Command(BaseCommand):
    help = "Check that reports, their events and photo files agree; exit status 1 if anything is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix-orphans", action="store_true", help="Delete photo files that no report references (nothing else)."
        )
        parser.add_argument(
            "--orphan-grace",
            type=int,
            default=int(integrity.ORPHAN_GRACE.total_seconds()),
            metavar="SECONDS",
            help="Ignore unreferenced files younger than this: they may belong to a report being sent (default 600).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        findings = integrity.find_problems(orphan_grace=timedelta(seconds=options["orphan_grace"]))
        for finding in findings:
            self.stdout.write(f"{finding.check}: {finding.message}")
        removed: list[str] = []
        if options["fix_orphans"]:
            removed = integrity.orphan_files_remove(findings)
            for name in removed:
                self.stdout.write(f"removed orphan file {name}")
        left = [f for f in findings if not (f.check == integrity.ORPHAN_FILE and f.subject in removed)]
        counts = Counter(f.check for f in left)
        fixed = f"; {len(removed)} orphan files removed" if removed else ""
        if not left:
            self.stdout.write(f"integrity: no problems found{fixed}")
            return
        detail = ", ".join(f"{n} {check}" for check, n in sorted(counts.items()))
        self.stdout.write(f"integrity: {len(left)} problems ({detail}){fixed}")
        sys.exit(1)
