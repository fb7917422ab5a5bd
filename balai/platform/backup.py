"""Backups: a tar.gz with every row as Django JSON lines (any database engine) and a manifest; media kept once.

An archive (format 2) holds
  data.jsonl     every row of every backed-up model, read in one snapshot of the database; content types,
                 permissions and users are referred to by natural key, so it loads into any fresh database
  manifest.json  written last: format, Balai version, time, applied migrations, rows per model, the sha256 of
                 data.jsonl, and for every media file its name, sha256 and size. A truncated archive has no
                 manifest and is refused.
The media files themselves live once in a content-addressed store beside the archives, `media-store/<sha256[:2]>/<sha256>`:
a photo already stored by an earlier night is referred to, not copied again. Archives of format 1 (every media
file inside the archive, under media/<name>) are still read and restored.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from balai.core.registry import registry

FORMAT = "balai-backup/2"
FORMAT_V1 = "balai-backup/1"
DATA_NAME = "data.jsonl"
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
# The content-addressed media store, a folder beside the archives, and the log of backup runs.
STORE_NAME = "media-store"
RUNS_NAME = "backup-runs.jsonl"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024
_MANIFEST_MAX_BYTES = 256 * 1024 * 1024

# Not backed up: rebuilt by `migrate` (content types, permissions) or short-lived (sessions, login
# throttling, the task queue: queued jobs restored elsewhere would send again the emails the old server
# sent after the backup was taken). The shared versions of the processes' copies (balai.core.changes) are not
# data: every write of the restore moves them again.
EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes", "django_tasks_database"})
EXCLUDED_MODELS = frozenset({"auth.permission", "core.sharedversion"})


class BackupError(Exception):
    """The archive is unusable or the restore cannot go ahead; the message says why."""


class NotABackupError(BackupError):
    """A complete tar.gz without a manifest: some other file (a copy of /etc/balai, say), not a damaged backup."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    media_files: int
    size: int
    missing_media: list[str]
    seconds: float
    # Objects (and their bytes) this run added to the media store: files no earlier backup had.
    media_added: int = 0
    media_added_bytes: int = 0


@dataclass(frozen=True)
class RestoreResult:
    counts: dict[str, int]
    files_written: int
    files_unchanged: int
    replaced: dict[str, int]
    older_than_code: list[str]
    seconds: float


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model whose rows belong in a backup, in no particular order: all of them, less the ones
    above and those a module declares as rebuilt from others (balai.core.registry, `backup_rebuilt`)."""
    excluded = EXCLUDED_MODELS | registry.backup_rebuilt()
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in excluded
        and model._meta.managed
        and not model._meta.proxy
    ]


def default_backup_path(directory: Path) -> Path:
    return directory / f"balai-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"


# --- Backup ----------------------------------------------------------------------------------------


def store_beside(archive: Path) -> Path:
    """The media store that belongs to an archive: the `media-store` folder in the archive's own folder."""
    return archive.resolve().parent / STORE_NAME


def store_object(store: Path, sha256: str) -> Path:
    return store / sha256[:2] / sha256


def backup_create(*, output: Path, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write a backup archive to `output` (mode 0600: it holds personal data); never leave a partial file there.

    Media files go to the store beside it (`store_beside`), each content once; a file whose name and size the
    newest earlier archive there already lists is taken from that manifest without being read again (photos
    are written once and never changed).
    """
    started = time.monotonic()
    executor = MigrationExecutor(connections[using])
    if pending := executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(
            f"the database lacks {len(pending)} migration(s) of this code, so its tables do not match the models: "
            "back up before updating the code (git pull), or run `balai migrate` first"
        )
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    backup_folder_check(output.parent)
    store = store_beside(output)
    known = _media_of_newest_archive(output.parent)
    partial = output.with_name(f".{output.name}.partial")
    counts: dict[str, int] = {}
    media_names: set[str] = set()
    added = added_bytes = 0
    try:
        # The data file is staged next to the archive, not in /tmp, which is often a small tmpfs.
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".balai-backup-") as tmp:
            data_path = Path(tmp) / DATA_NAME
            with _snapshot(using), data_path.open("w", encoding="utf-8") as stream:
                migrations = _applied_migrations(using)
                serializers.serialize(
                    "jsonl",
                    _rows(using=using, counts=counts, media_names=media_names),
                    stream=stream,
                    use_natural_foreign_keys=True,
                    cls=_LosslessEncoder,
                    # PostgreSQL's jsonb reorders keys: sorted, the same data dumps to the same bytes on any engine.
                    sort_keys=True,
                )
            media: dict[str, dict[str, Any]] = {}
            missing: list[str] = []
            for name in sorted(media_names):
                # Photos are written once and never changed, so reading them after the snapshot is safe.
                if not default_storage.exists(name):
                    missing.append(name)
                    continue
                size = default_storage.size(name)
                earlier = known.get(name)
                if earlier is not None and earlier["size"] == size and _object_size(store, earlier["sha256"]) == size:
                    media[name] = earlier
                    continue
                with default_storage.open(name, "rb") as handle:
                    media[name], is_new = _store_put(store, handle)
                if is_new:
                    added += 1
                    added_bytes += media[name]["size"]
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    with data_path.open("rb") as handle:
                        data_entry = _add_member(tar, DATA_NAME, handle, data_path.stat().st_size)
                    manifest = {
                        "format": FORMAT,
                        "balai_version": _balai_version(),
                        "created_at": timezone.now().isoformat(),
                        "database": connections[using].vendor,
                        "migrations": migrations,
                        "counts": counts,
                        "files": {DATA_NAME: data_entry},
                        "media": media,
                        "missing_media": missing,
                    }
                    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    _add_member(tar, MANIFEST_NAME, _BytesReader(body), len(body))
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=output,
        counts=counts,
        media_files=len(media),
        size=output.stat().st_size,
        missing_media=missing,
        seconds=time.monotonic() - started,
        media_added=added,
        media_added_bytes=added_bytes,
    )


def backup_folder_check(directory: Path) -> None:
    """Refuse a backup folder whose media store would mix with the uploaded files (a local MEDIA_ROOT)."""
    store = directory.resolve() / STORE_NAME
    location = getattr(default_storage, "location", None)
    if location is None:
        return
    media_root = Path(location).resolve()
    if store == media_root or store.is_relative_to(media_root) or media_root.is_relative_to(store):
        raise BackupError(
            f"the media store {store} would be inside the uploaded files ({media_root}) or hold them: "
            "write backups to a folder of their own (BACKUP_DIR, by default BALAI_DATA_DIR/backups)"
        )


def _store_put(store: Path, stream: IO[bytes]) -> tuple[dict[str, Any], bool]:
    """Copy a stream into the store under its sha256; True if the store did not hold that content yet."""
    store.mkdir(mode=0o700, exist_ok=True)
    fd, staged_name = tempfile.mkstemp(dir=store, prefix=".partial-")
    staged = Path(staged_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        target = store_object(store, sha256)
        if target.is_file() and target.stat().st_size == size:
            staged.unlink()
            return {"sha256": sha256, "size": size}, False
        target.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(staged, target)
        return {"sha256": sha256, "size": size}, True
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


def _object_size(store: Path, sha256: str) -> int | None:
    try:
        return store_object(store, sha256).stat().st_size
    except OSError:
        return None


def _media_of_newest_archive(directory: Path) -> dict[str, dict[str, Any]]:
    """name -> {sha256, size} from the newest format-2 archive in `directory` that reads cleanly, or nothing."""
    for archive in sorted(directory.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            manifest = read_manifest(archive)
        except BackupError:
            continue
        if manifest.get("format") == FORMAT and isinstance(manifest.get("media"), dict):
            return {
                name: entry
                for name, entry in manifest["media"].items()
                if isinstance(entry, dict)
                and isinstance(entry.get("size"), int)
                and _SHA256.match(str(entry.get("sha256")))
            }
    return {}


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One read-only, consistent view of the whole database for the block, without stopping writers."""
    connection = connections[using]
    if connection.in_atomic_block:
        # Called inside a caller's transaction: that transaction already is the snapshot.
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # In WAL mode a deferred transaction reads one snapshot, fixed at its first SELECT, while writers
        # go on (the effect of SQLite's backup API, without a copy of the file). Balai's IMMEDIATE mode
        # would instead hold the write lock, and make every writer wait, for the whole backup.
        previous = connection.transaction_mode  # type: ignore[attr-defined]
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            connection.transaction_mode = previous  # type: ignore[attr-defined]
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Must be the transaction's first statement: every later query sees the same snapshot.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _rows(*, using: str, counts: dict[str, int], media_names: set[str]) -> Iterator[models.Model]:
    """Every backed-up row, models ordered so that natural keys resolve on load; counts and file names on the way."""
    ordered = serializers.sort_dependencies([(None, backed_up_models())], allow_cycles=True)  # type: ignore[list-item]
    for model in ordered:
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for file_field in file_fields:
            if file_field.storage is not default_storage:
                raise BackupError(f"{model._meta.label}.{file_field.name} uses its own storage, which backups miss.")
        label = model._meta.label_lower
        counts[label] = 0
        for obj in model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000):
            counts[label] += 1
            for file_field in file_fields:
                name = getattr(obj, file_field.attname).name
                if name:
                    media_names.add(name)
            yield obj


class _LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps the microseconds the database holds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _balai_version() -> str:
    try:
        return metadata.version("balai")
    except metadata.PackageNotFoundError:
        return "unknown"


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = self._data[self._offset : end]
        self._offset += len(chunk)
        return chunk


class _HashingReader:
    """A read-only, forward-only stream that hashes what passes through it."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._stream.read(size)
        self.sha256.update(chunk)
        return chunk

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def _add_member(tar: tarfile.TarFile, name: str, stream: Any, size: int) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    reader = _HashingReader(stream)
    # tarfile reads exactly `size` bytes and fails on a file that shrank meanwhile.
    tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"sha256": reader.sha256.hexdigest(), "size": size}


# --- Checking an archive ---------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """An archive's manifest, read without checking the other members (for pruning and for the next backup)."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST_NAME and member.isfile():
                    stream = tar.extractfile(member)
                    assert stream is not None  # noqa: S101 - regular files always have one
                    manifest = json.loads(stream.read(_MANIFEST_MAX_BYTES))
                    if not isinstance(manifest, dict):
                        raise BackupError(f"{path}: {MANIFEST_NAME} is not an object")
                    return manifest
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a readable backup archive: {exc}") from exc
    raise NotABackupError(f"{path} has no {MANIFEST_NAME}: not a Balai backup")


def backup_inspect(path: Path) -> dict[str, Any]:
    """Read the whole archive, check every file against the manifest, and return the manifest.

    For format 2 this checks the archive only; `store_check` checks the media store it refers to.
    """
    digests: dict[str, str] = {}
    raw_manifest: bytes | None = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise BackupError(f"{path}: {member.name} is not a regular file")
                if member.name in digests or (member.name == MANIFEST_NAME and raw_manifest is not None):
                    raise BackupError(f"{path}: {member.name} appears twice")
                stream = tar.extractfile(member)
                assert stream is not None  # noqa: S101 - regular files always have one
                if member.name == MANIFEST_NAME:
                    raw_manifest = stream.read(_MANIFEST_MAX_BYTES)
                else:
                    digests[member.name] = _sha256(stream)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup archive: {exc}") from exc
    if raw_manifest is None:
        raise BackupError(f"{path} has no {MANIFEST_NAME}: the archive is incomplete")
    try:
        manifest = json.loads(raw_manifest)
    except ValueError as exc:
        raise BackupError(f"{path}: {MANIFEST_NAME} is not valid JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") not in {FORMAT, FORMAT_V1}:
        raise BackupError(f"{path} is not a {FORMAT} (or {FORMAT_V1}) archive")
    listed = manifest.get("files")
    counts = manifest.get("counts")
    if not isinstance(listed, dict) or not isinstance(counts, dict) or DATA_NAME not in listed:
        raise BackupError(f"{path}: the manifest lacks its list of files or of row counts")
    if manifest["format"] == FORMAT:
        if set(listed) != {DATA_NAME}:
            raise BackupError(f"{path}: a format-2 archive holds only {DATA_NAME} (media live in the store)")
        media = manifest.get("media")
        if not isinstance(media, dict):
            raise BackupError(f"{path}: the manifest lacks its list of media files")
        for name, entry in media.items():
            _check_member_name(MEDIA_PREFIX + name)
            if (
                not isinstance(entry, dict)
                or not _SHA256.match(str(entry.get("sha256")))
                or not isinstance(entry.get("size"), int)
            ):
                raise BackupError(f"{path}: the manifest's entry for {name} has no valid sha256 and size")
    for name in listed:
        _check_member_name(name)
    if missing := sorted(set(listed) - set(digests)):
        raise BackupError(f"{path}: {missing[0]} is listed in the manifest but missing from the archive")
    if unlisted := sorted(set(digests) - set(listed)):
        raise BackupError(f"{path}: {unlisted[0]} is in the archive but not in the manifest")
    for name, entry in sorted(listed.items()):
        if not isinstance(entry, dict) or digests[name] != entry.get("sha256"):
            raise BackupError(f"{path}: {name} does not match its sha256 in the manifest (damaged or altered)")
    return manifest


def store_check(manifest: dict[str, Any], store: Path) -> None:
    """Check that the store holds every media file of a format-2 manifest, each matching its sha256."""
    media: dict[str, dict[str, Any]] = manifest.get("media") or {}
    lacking = [name for name, entry in sorted(media.items()) if _object_size(store, entry["sha256"]) != entry["size"]]
    if lacking:
        first = lacking[0]
        raise BackupError(
            f"the media store {store} lacks {len(lacking)} of the {len(media)} media files this archive refers to "
            f"(first: {first}, object {media[first]['sha256']}): copy the {STORE_NAME}/ folder that sits beside "
            "the archives along with them, or name it with --store"
        )
    for name, entry in sorted(media.items()):
        with store_object(store, entry["sha256"]).open("rb") as handle:
            if _sha256(handle) != entry["sha256"]:
                raise BackupError(
                    f"the media store's object {entry['sha256']} ({name}) does not match its sha256 (damaged or altered)"
                )


def _check_member_name(name: str) -> None:
    if name == DATA_NAME:
        return
    media_name = name.removeprefix(MEDIA_PREFIX)
    parts = PurePosixPath(media_name).parts
    if (
        not name.startswith(MEDIA_PREFIX)
        or not parts
        or media_name.startswith("/")
        or "\\" in media_name
        or any(part in {"..", "."} for part in parts)
    ):
        raise BackupError(f"refusing an archive member with an unsafe name: {name!r}")


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


# --- Restore ---------------------------------------------------------------------------------------


def rows_present(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per backed-up model already in the database (tables that do not exist yet count as empty)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    present: dict[str, int] = {}
    for model in backed_up_models():
        if model._meta.db_table in tables and (count := model._base_manager.using(using).count()):
            present[model._meta.label_lower] = count
    return present


def backup_restore(
    *,
    path: Path,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[str], None] = lambda message: None,
    store: Path | None = None,
) -> RestoreResult:
    """Restore an archive: check it (and its media in `store`, by default the one beside it), migrate, write the
    media, load the data and check the row counts.

    Refuses a database that already holds data unless `force`, which replaces everything in it. Loading
    and counting happen in one transaction, so a failed restore leaves the database as it was (media
    files already written stay, unreferenced).
    """
    started = time.monotonic()
    progress("checking the archive")
    manifest = backup_inspect(path)
    store = store or store_beside(path)
    if manifest["format"] == FORMAT:
        progress("checking the media store")
        store_check(manifest, store)
    unknown, older = _compare_migrations(manifest)
    if unknown:
        raise BackupError(
            f"the backup was made by a newer Balai ({manifest.get('balai_version')}): "
            f"unknown migrations {', '.join(unknown)}; upgrade Balai first"
        )
    present = rows_present(using=using)
    if present and not force:
        summary = ", ".join(f"{label} {count}" for label, count in sorted(present.items())[:5])
        raise BackupError(
            f"the database is not empty ({summary}…); restore into an empty database, "
            "or pass --force to replace everything in it"
        )
    progress("migrating the database")
    call_command("migrate", interactive=False, verbosity=0, database=using)
    call_command("createcachetable", verbosity=0, database=using)
    progress("writing media files")
    if manifest["format"] == FORMAT:
        written, unchanged = _restore_media_from_store(manifest, store)
    else:
        written, unchanged = _restore_media(path, manifest)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="balai-restore-") as tmp:
        data_path = Path(tmp) / DATA_NAME
        _extract_data(path, manifest, data_path)
        progress("loading the data")
        with transaction.atomic(using=using):
            if present:
                call_command("flush", interactive=False, verbosity=0, database=using)
            call_command("loaddata", str(data_path), verbosity=0, database=using)
            for label, expected in sorted(manifest["counts"].items()):
                try:
                    model = apps.get_model(label)
                except LookupError as exc:
                    raise BackupError(f"the backup holds {label}, which this Balai does not know") from exc
                counts[label] = model._base_manager.using(using).count()
                if counts[label] != expected:
                    raise BackupError(f"{label}: {counts[label]} rows after loading, the backup holds {expected}")
    return RestoreResult(
        counts=counts,
        files_written=written,
        files_unchanged=unchanged,
        replaced=present,
        older_than_code=older,
        seconds=time.monotonic() - started,
    )


def _compare_migrations(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Migrations the archive has and this code lacks, and the reverse."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in archived - known)
    archived_apps = {app for app, _ in archived}
    older = sorted(f"{app}.{name}" for app, name in known - archived if app in archived_apps)
    return unknown, older


def _members(path: Path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            stream = tar.extractfile(member)
            if stream is not None:
                yield member, stream


def _restore_media(path: Path, manifest: dict[str, Any]) -> tuple[int, int]:
    written = unchanged = 0
    for member, stream in _members(path):
        if not member.name.startswith(MEDIA_PREFIX):
            continue
        entry = manifest["files"].get(member.name)
        if entry is None:
            raise BackupError(f"{path} changed while it was being restored: {member.name} is new")
        if _write_media(default_storage, member.name.removeprefix(MEDIA_PREFIX), stream, member.size, entry["sha256"]):
            written += 1
        else:
            unchanged += 1
    return written, unchanged


def _restore_media_from_store(manifest: dict[str, Any], store: Path) -> tuple[int, int]:
    written = unchanged = 0
    for name, entry in sorted(manifest["media"].items()):
        with store_object(store, entry["sha256"]).open("rb") as stream:
            if _write_media(default_storage, name, stream, entry["size"], entry["sha256"]):
                written += 1
            else:
                unchanged += 1
    return written, unchanged


def _write_media(storage: Storage, name: str, stream: IO[bytes], size: int, expected: str) -> bool:
    """Put one file in storage under exactly `name`; False if an identical file is already there."""
    if storage.exists(name):
        with storage.open(name, "rb") as current:
            if _sha256(current) == expected:
                return False
        storage.delete(name)
    reader = _HashingReader(stream)
    content = File(reader, name=PurePosixPath(name).name)  # type: ignore[arg-type]
    content.size = size
    saved = storage.save(name, content)
    if reader.sha256.hexdigest() != expected:
        storage.delete(saved)
        raise BackupError(f"{name} changed while it was being restored; its hash no longer matches")
    if saved != name:
        raise BackupError(f"{name} was stored as {saved}; the storage renamed it")
    return True


def _extract_data(path: Path, manifest: dict[str, Any], target: Path) -> None:
    for member, stream in _members(path):
        if member.name == DATA_NAME:
            with target.open("wb") as out:
                reader = _HashingReader(stream)
                while chunk := reader.read(_CHUNK):
                    out.write(chunk)
            if reader.sha256.hexdigest() != manifest["files"][DATA_NAME]["sha256"]:
                raise BackupError(f"{DATA_NAME} changed while it was being restored; its hash no longer matches")
            return
    raise BackupError(f"{path} has no {DATA_NAME}")


# --- The log of backup runs ------------------------------------------------------------------------


@dataclass(frozen=True)
class LastBackup:
    """The newest successful `balai backup` run in BACKUP_DIR, for `balai doctor` and monitoring."""

    finished_at: datetime.datetime
    path: Path
    bytes: int  # the archive's size; media the run added to the store are in `media_added_bytes`
    offsite_configured: bool  # BACKUP_OFFSITE is set now
    seconds: float = 0.0
    media_added_bytes: int = 0
    offsite_ok: bool | None = None  # None: that run made no off-site copy


def record_run(directory: Path, entry: dict[str, Any]) -> None:
    """Append one run (success or failure) to BACKUP_DIR/backup-runs.jsonl, one JSON object a line."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / RUNS_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, sort_keys=True, cls=DjangoJSONEncoder) + "\n")


def backup_runs(directory: Path | None = None) -> list[dict[str, Any]]:
    """Every recorded run, oldest first; lines that do not parse (a run cut off mid-write) are skipped."""
    log = Path(directory or settings.BACKUP_DIR) / RUNS_NAME
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    runs = []
    for line in lines:
        try:
            run = json.loads(line)
        except ValueError:
            continue
        if isinstance(run, dict):
            runs.append(run)
    return runs


def last_backup(directory: Path | None = None) -> LastBackup | None:
    """The newest successful run recorded in `directory` (default settings.BACKUP_DIR), or None if none ran yet.

    Archives written before runs were recorded count too: without a recorded run, the newest `balai-<time>.tar.gz`
    there (its time that of the file)."""
    folder = Path(directory or settings.BACKUP_DIR)
    for run in reversed(backup_runs(folder)):
        if run.get("ok"):
            return LastBackup(
                finished_at=datetime.datetime.fromisoformat(run["finished_at"]),
                path=Path(run["archive"]),
                bytes=int(run.get("bytes", 0)),
                offsite_configured=bool(settings.BACKUP_OFFSITE),
                seconds=float(run.get("seconds", 0.0)),
                media_added_bytes=int(run.get("media_added_bytes", 0)),
                offsite_ok=run.get("offsite_ok"),
            )
    try:
        archives = [(path.stat(), path) for path in folder.glob("balai-*Z.tar.gz")]
    except OSError:  # the folder is not readable by this user
        return None
    if not archives:
        return None
    stat, path = max(archives, key=lambda item: item[0].st_mtime)
    return LastBackup(
        finished_at=datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC),
        path=path,
        bytes=stat.st_size,
        offsite_configured=bool(settings.BACKUP_OFFSITE),
    )
