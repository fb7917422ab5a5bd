from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.platform.backup import BackupError, backup_create, default_backup_path


class Command(BaseCommand):
    help = "Write one consistent backup archive (tar.gz): every row as JSON, every media file, a manifest with hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="Archive to write, or a directory for balai-<UTC time>.tar.gz "
            "(default: the directory BALAI_DATA_DIR/backups). Written with mode 0600.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A path ending in "/" or naming a directory gets a file name with the time.
        target = str(options["output"]) if options["output"] else f"{Path(settings.DATA_DIR) / 'backups'}/"
        output = Path(target)
        if target.endswith("/") or output.is_dir():
            output = default_backup_path(output)
        try:
            result = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for name in result.missing_media:
            self.stderr.write(f"warning: {name} is referenced in the database but missing from storage")
        self.stdout.write(
            f"{result.path}: {sum(result.counts.values())} rows, {result.files - 1} media files, "
            f"{result.size / 1_000_000:.1f} MB in {result.seconds:.1f} s"
        )
