from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.platform.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a `balai backup` archive into an empty database: check hashes, migrate, load, verify counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="A .tar.gz written by `balai backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database that already holds data: EVERYTHING in it is replaced.",
        )
        parser.add_argument(
            "--store",
            type=Path,
            help="The media store the archive refers to (default: the media/ folder beside the archive).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file")
        try:
            result = backup_restore(
                path=archive,
                force=options["force"],
                store=options["store"],
                progress=lambda message: self.stdout.write(f"{message}…"),
            )
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        if result.older_than_code:
            self.stderr.write(
                "note: the backup predates migrations " + ", ".join(result.older_than_code) + "; they are now applied"
            )
        if result.replaced:
            self.stdout.write(f"replaced {sum(result.replaced.values())} rows that were in the database")
        self.stdout.write(
            f"restored {sum(result.counts.values())} rows in {len(result.counts)} tables and "
            f"{result.files_written + result.files_unchanged} media files "
            f"({result.files_unchanged} already present) in {result.seconds:.1f} s; row counts match the backup"
        )
