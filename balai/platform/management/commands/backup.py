from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from balai.platform.backup import (
    BackupError,
    backup_create,
    backup_folder_check,
    default_backup_path,
    record_run,
)
from balai.platform.backup_retention import RetentionPolicy, backup_lock, backup_prune, offsite_copy


class Command(BaseCommand):
    help = (
        "Write one consistent backup archive (every row as JSON, a manifest with hashes) and put new media files in "
        "the store beside it; then prune old archives and copy the folder off-site if BACKUP_OFFSITE is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="Archive to write, or a directory for balai-<UTC time>.tar.gz (default: BACKUP_DIR, "
            "itself by default BALAI_DATA_DIR/backups). Written with mode 0600; media go to media/ beside it.",
        )
        parser.add_argument(
            "--no-prune",
            action="store_true",
            help="Keep every archive (by default, writing into a directory prunes it by the BACKUP_KEEP_* policy).",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=3600,
            help="Seconds to wait for another backup run in the same directory to finish (default 3600).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A path ending in "/" or naming a directory gets a file name with the time, and the directory is pruned.
        target = str(options["output"]) if options["output"] else f"{settings.BACKUP_DIR}/"
        output = Path(target)
        into_directory = target.endswith("/") or output.is_dir()
        if into_directory:
            output = default_backup_path(output)
        directory = output.resolve().parent
        try:
            backup_folder_check(directory)
            with backup_lock(directory, wait_seconds=options["wait"]):
                self._run(output, directory, prune=into_directory and not options["no_prune"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, output: Path, directory: Path, *, prune: bool) -> None:
        started_at = timezone.now()
        try:
            result = backup_create(output=output)
        except Exception as exc:
            record_run(
                directory,
                {"started_at": started_at, "finished_at": timezone.now(), "ok": False, "error": str(exc)},
            )
            raise
        for name in result.missing_media:
            self.stderr.write(f"warning: {name} is referenced in the database but missing from storage")
        self.stdout.write(
            f"{result.path}: {sum(result.counts.values())} rows, {result.media_files} media files "
            f"({result.media_added} new, {result.media_added_bytes / 1_000_000:.1f} MB added to the store), "
            f"archive {result.size / 1_000_000:.1f} MB in {result.seconds:.1f} s"
        )
        if prune:
            pruned = backup_prune(directory=directory, policy=RetentionPolicy.from_settings())
            self.stdout.write(
                f"kept {len(pruned.kept)} archives, removed {len(pruned.removed)}; "
                f"removed {pruned.objects_removed} unreferenced media objects ({pruned.bytes_freed / 1_000_000:.1f} MB)"
            )
            if pruned.store_untouched:
                self.stderr.write(f"warning: the media store was not cleaned: {pruned.store_untouched}")
        offsite_ok: bool | None = None
        offsite_error: str | None = None
        if settings.BACKUP_OFFSITE:
            offsite_error = offsite_copy(command=settings.BACKUP_OFFSITE, directory=directory, archive=result.path)
            offsite_ok = offsite_error is None
            if offsite_error:
                # The local backup stands; the failure is logged here, in the run log and by `balai doctor`.
                self.stderr.write(f"warning: the off-site copy failed (the local backup is fine): {offsite_error}")
            else:
                self.stdout.write("off-site copy done")
        record_run(
            directory,
            {
                "started_at": started_at,
                "finished_at": timezone.now(),
                "ok": True,
                "archive": str(result.path),
                "bytes": result.size,
                "media_files": result.media_files,
                "media_added": result.media_added,
                "media_added_bytes": result.media_added_bytes,
                "seconds": round(result.seconds, 3),
                "offsite_ok": offsite_ok,
                "offsite_error": offsite_error,
            },
        )
