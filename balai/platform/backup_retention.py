"""The nightly side of backups: one run at a time (a lock file), pruning by a policy, collecting media objects no
kept archive refers to, and the off-site copy."""

from __future__ import annotations

import datetime
import fcntl
import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from balai.platform.backup import FORMAT, STORE_NAME, BackupError, NotABackupError, read_manifest, store_object

LOCK_NAME = ".backup.lock"
# Only archives `balai backup` named itself are pruned; an archive named by hand is kept, and so is its media.
TIMESTAMPED = re.compile(r"^balai-(\d{8}T\d{6})Z\.tar\.gz$")
_OBJECT = re.compile(r"^[0-9a-f]{64}$")
OFFSITE_TIMEOUT_SECONDS = 6 * 3600
RECENT = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class RetentionPolicy:
    """Keep the newest archive of each of the last `daily` days, `weekly` ISO weeks and `monthly` months.

    Days are those of TIME_ZONE, so that the nightly run (early in the day) and a backup made by hand before an
    upgrade that day fall in the same day, and the later, hand-made one is the day's archive kept.
    """

    daily: int
    weekly: int
    monthly: int

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        return cls(settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY)


@dataclass
class PruneResult:
    kept: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    objects_removed: int = 0
    bytes_freed: int = 0
    # Why the media store was left alone this time (an archive that could not be read), or None.
    store_untouched: str | None = None


def archives_to_keep(stamps: dict[Path, datetime.datetime], policy: RetentionPolicy) -> set[Path]:
    """The archives the policy keeps: the newest, every one made in the 24 hours before it (a backup made by hand
    is not lost to the next run that day), and the newest of each of the policy's days, weeks and months."""
    newest_first = sorted(stamps, key=lambda path: stamps[path], reverse=True)
    if not newest_first:
        return set()
    newest = stamps[newest_first[0]]
    keep = {path for path in newest_first if newest - stamps[path] < RECENT}
    buckets: list[tuple[int, Callable[[datetime.datetime], Hashable]]] = [
        (policy.daily, lambda moment: moment.date()),
        (policy.weekly, lambda moment: moment.isocalendar()[:2]),
        (policy.monthly, lambda moment: (moment.year, moment.month)),
    ]
    for count, bucket_of in buckets:
        seen: set[Hashable] = set()
        for path in newest_first:
            bucket = bucket_of(stamps[path])
            if bucket in seen:
                continue
            if len(seen) == count:
                break
            seen.add(bucket)
            keep.add(path)
    return keep


def timestamped_archives(directory: Path) -> dict[Path, datetime.datetime]:
    """Archives named by `balai backup` and their time (from the name, which is UTC) in TIME_ZONE."""
    zone = ZoneInfo(settings.TIME_ZONE)
    stamps = {}
    for path in directory.iterdir():
        if match := TIMESTAMPED.match(path.name):
            moment = datetime.datetime.strptime(match[1], "%Y%m%dT%H%M%S").replace(tzinfo=datetime.UTC)
            stamps[path] = moment.astimezone(zone)
    return stamps


def backup_prune(*, directory: Path, policy: RetentionPolicy) -> PruneResult:
    """Remove the timestamped archives the policy does not keep, then the store objects no archive left refers to.

    Call it holding `backup_lock(directory)`: a backup running meanwhile has objects no manifest names yet.
    """
    result = PruneResult()
    stamps = timestamped_archives(directory)
    keep = archives_to_keep(stamps, policy)
    for path in sorted(stamps):
        if path in keep:
            result.kept.append(path)
        else:
            path.unlink()
            result.removed.append(path)
    referenced: set[str] = set()
    for archive in sorted(directory.glob("*.tar.gz")):
        try:
            manifest = read_manifest(archive)
        except NotABackupError:
            continue
        except BackupError as exc:
            # Its media cannot be told apart from garbage: collect nothing rather than lose them.
            result.store_untouched = str(exc)
            return result
        if manifest.get("format") == FORMAT:
            referenced.update(entry["sha256"] for entry in (manifest.get("media") or {}).values())
    store = directory / STORE_NAME
    if not store.is_dir():
        return result
    for prefix in store.iterdir():
        if prefix.name.startswith(".partial-"):  # left by a run that was killed
            result.bytes_freed += prefix.stat().st_size
            prefix.unlink()
            continue
        if not prefix.is_dir():
            continue
        for item in prefix.iterdir():
            if _OBJECT.match(item.name) and item.name not in referenced and item == store_object(store, item.name):
                result.bytes_freed += item.stat().st_size
                item.unlink()
                result.objects_removed += 1
        if not any(prefix.iterdir()):
            prefix.rmdir()
    return result


@contextmanager
def backup_lock(directory: Path, *, wait_seconds: float = 0) -> Iterator[None]:
    """Hold BACKUP_DIR/.backup.lock for the block: one backup or prune at a time; wait for it up to `wait_seconds`."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BackupError(
                        f"another backup run holds {directory / LOCK_NAME}; try again when it has finished"
                    ) from None
                time.sleep(1)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def offsite_copy(*, command: str, directory: Path, archive: Path) -> str | None:
    """Run the BACKUP_OFFSITE command ({dir} and {archive} filled in); None if it succeeded, else why not."""
    argv = [word.replace("{dir}", str(directory)).replace("{archive}", str(archive)) for word in shlex.split(command)]
    if not argv:
        return "BACKUP_OFFSITE is empty"
    try:
        done = subprocess.run(  # noqa: S603 - the command is the administrator's own setting
            argv, capture_output=True, text=True, timeout=OFFSITE_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{argv[0]}: {exc}"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return f"{argv[0]} exited with status {done.returncode}" + (": " + " / ".join(tail) if tail else "")
    return None
