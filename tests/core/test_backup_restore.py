"""`balai backup` writes one consistent archive; `balai restore` brings it back, elsewhere, row for row and byte for byte."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from balai.core.models import AuditEvent, Pemda
from balai.lapor.models import Report, ReportPhoto
from balai.platform.backup import (
    DATA_NAME,
    MANIFEST_NAME,
    BackupError,
    backed_up_models,
    backup_inspect,
    backup_runs,
)
from tests.factories import make_report

from .as_operator import ROOT, FreshDatabase, balai, operator_env, python
from .backup_formats import to_format_1


def counts_now() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}


def photo_hashes() -> dict[str, str]:
    hashes = {}
    for name in ReportPhoto.objects.values_list("file", flat=True):
        with default_storage.open(name, "rb") as handle:
            hashes[name] = hashlib.sha256(handle.read()).hexdigest()
    return hashes


def archive_member(path: Path, name: str) -> bytes:
    with tarfile.open(path, "r:gz") as tar:
        stream = tar.extractfile(name)
        assert stream is not None
        return stream.read()


def rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy an archive member by member; `change(name, data)` returns the new (name, data) or None to drop it."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            stream = old.extractfile(member)
            assert stream is not None
            changed = change(member.name, stream.read())
            if changed is None:
                continue
            name, data = changed
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.fixture
def busy_city(city: Pemda, sysadmin: Any) -> Pemda:
    """The demo city with reports and photos, a confidential one among them, and a group with a permission."""
    make_report(photos=2)
    make_report(photos=2, is_confidential=True, is_anonymous=True)
    make_report(photos=0)
    clerks = Group.objects.create(name="arsiparis")
    clerks.permissions.add(Permission.objects.get(codename="view_report"))
    sysadmin.groups.add(clerks)
    sysadmin.user_permissions.add(Permission.objects.get(codename="change_report"))
    return city


RESTORED_FACTS = """
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from balai.platform.backup import backed_up_models
from balai.core.models import AuditEvent
from balai.lapor.models import ReportPhoto
import hashlib
counts = {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}
hashes = {}
for name in ReportPhoto.objects.values_list("file", flat=True):
    with default_storage.open(name, "rb") as handle:
        hashes[name] = hashlib.sha256(handle.read()).hexdigest()
admin = get_user_model().objects.get(username="admin")
# A new row after the restore must get a fresh primary key (PostgreSQL sequences reset).
new = AuditEvent.objects.create(actor_label="test", action="after.restore", object_type="test", object_id="1")
print(json.dumps({
    "counts": counts,
    "hashes": hashes,
    "permissions": sorted(admin.get_all_permissions()),
    "groups": sorted(admin.groups.values_list("name", flat=True)),
    "password": admin.password,
    "new_audit_pk": new.pk,
}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_has_every_row_photo_and_permission(
    busy_city: Pemda, fresh: FreshDatabase, tmp_path: Path
) -> None:
    archive = tmp_path / "balai.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    source_counts = counts_now()
    source_hashes = photo_hashes()
    sysadmin_password = get_user_model().objects.get(username="admin").password
    max_audit_pk = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert archive.stat().st_mode & 0o777 == 0o600
    assert len(source_hashes) == 4

    env = operator_env(fresh, tmp_path / "restored")
    restored = balai(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "row counts match the backup" in restored.stdout

    # The restored database backs up to the very same data, byte for byte (microseconds included).
    second = balai(env, "backup", "--output", f"{tmp_path / 'nightly'}/")
    assert second.returncode == 0, second.stderr
    [again] = (tmp_path / "nightly").glob("balai-*Z.tar.gz")
    assert archive_member(again, DATA_NAME) == archive_member(archive, DATA_NAME)

    facts_run = python(env, RESTORED_FACTS)
    assert facts_run.returncode == 0, facts_run.stderr
    facts = json.loads(facts_run.stdout)
    assert facts["counts"] == source_counts
    assert facts["counts"]["core.auditevent"] > 0  # the append-only audit trail loads (raw saves)
    assert facts["counts"]["lapor.reportphoto"] == 4
    assert facts["hashes"] == source_hashes
    assert {"lapor.view_report", "lapor.change_report"} <= set(facts["permissions"])
    assert facts["groups"] == ["arsiparis"]
    assert facts["password"] == sysadmin_password
    assert facts["new_audit_pk"] > max_audit_pk


@pytest.mark.django_db(transaction=True)
def test_an_archive_in_the_old_format_restores_into_a_fresh_database_exactly(
    busy_city: Pemda, migrated: FreshDatabase, tmp_path: Path
) -> None:
    # Restoring into a database never migrated is the test above; this one starts from a migrated, empty one.
    call_command("backup", output=tmp_path / "new" / "balai.tar.gz", stdout=io.StringIO())
    # In a folder of its own, with no media store beside it: every photo comes from the archive.
    old = to_format_1(tmp_path / "new" / "balai.tar.gz", tmp_path / "old" / "balai.tar.gz")
    assert backup_inspect(old)["format"] == "balai-backup/1"
    source_counts = counts_now()
    source_hashes = photo_hashes()

    env = operator_env(migrated, tmp_path / "restored")
    restored = balai(env, "restore", str(old))
    assert restored.returncode == 0, restored.stderr
    assert "row counts match the backup" in restored.stdout

    facts_run = python(env, RESTORED_FACTS)
    assert facts_run.returncode == 0, facts_run.stderr
    facts = json.loads(facts_run.stdout)
    assert facts["counts"] == source_counts
    assert facts["hashes"] == source_hashes
    assert len(facts["hashes"]) == 4


def test_backup_reads_one_snapshot_while_another_connection_keeps_writing(
    migrated: FreshDatabase, tmp_path: Path
) -> None:
    env = operator_env(migrated, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tests.core.backup_probe", str(tmp_path / "probe.tar.gz")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["archived"] == 20  # the row written during the backup is not in it…
    assert result["after"] == 21  # …but it was written, at once: the backup does not hold the write lock
    assert result["write_seconds"] < 2


def test_the_task_queue_sessions_and_login_throttling_are_left_out() -> None:
    labels = {model._meta.label_lower for model in backed_up_models()}
    assert {"lapor.report", "lapor.reportphoto", "core.auditevent", "auth.user", "auth.group"} <= labels
    assert not labels & {
        "django_tasks_database.dbtaskresult",
        "sessions.session",
        "axes.accessattempt",
        "contenttypes.contenttype",
        "auth.permission",
    }


@pytest.fixture
def archive(busy_city: Pemda, tmp_path: Path) -> Path:
    path = tmp_path / "balai.tar.gz"
    call_command("backup", output=path, stdout=io.StringIO())
    return path


def _a_photo(archive: Path) -> str:
    with tarfile.open(archive) as tar:
        return next(name for name in tar.getnames() if name.startswith("media/"))


@pytest.mark.django_db
def test_restore_refuses_an_archive_whose_photo_was_altered_in_the_store(archive: Path) -> None:
    manifest = backup_inspect(archive)
    name, entry = sorted(manifest["media"].items())[0]
    stored = archive.parent / "media-store" / entry["sha256"][:2] / entry["sha256"]
    stored.write_bytes(stored.read_bytes()[:-1] + b"\x00")

    with pytest.raises(CommandError, match=re.escape(f"object {entry['sha256']} ({name}) does not match its sha256")):
        call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert Report.objects.count() == 3  # nothing was touched


@pytest.mark.django_db
def test_restore_refuses_an_old_format_archive_whose_photo_was_altered(archive: Path, tmp_path: Path) -> None:
    old = to_format_1(archive, tmp_path / "old" / "balai.tar.gz")
    photo = _a_photo(old)
    altered = tmp_path / "altered.tar.gz"
    rewrite(old, altered, lambda name, data: (name, data[:-1] + b"\x00" if name == photo else data))

    with pytest.raises(CommandError, match=re.escape(f"{photo} does not match its sha256")):
        call_command("restore", str(altered), force=True, stdout=io.StringIO())
    assert Report.objects.count() == 3  # nothing was touched


@pytest.mark.django_db
def test_restore_refuses_a_truncated_archive(archive: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with pytest.raises(BackupError, match=r"not a readable backup archive|has no manifest\.json"):
        backup_inspect(truncated)


@pytest.mark.django_db
def test_restore_refuses_files_the_manifest_does_not_list(archive: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.tar.gz"
    with tarfile.open(archive, "r:gz") as old, tarfile.open(extra, "w:gz") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        info = tarfile.TarInfo("media/laporan/extra.jpg")
        info.size = 3
        new.addfile(info, io.BytesIO(b"abc"))

    with pytest.raises(BackupError, match=r"media/laporan/extra\.jpg is in the archive but not in the manifest"):
        backup_inspect(extra)


@pytest.mark.django_db
def test_restore_refuses_a_path_that_climbs_out_of_the_media_folder(archive: Path, tmp_path: Path) -> None:
    evil = "../../etc/cron.d/balai"

    def climb(name: str, data: bytes) -> tuple[str, bytes]:
        if name == MANIFEST_NAME:
            manifest = json.loads(data)
            photo = sorted(manifest["media"])[0]
            manifest["media"][evil] = manifest["media"].pop(photo)
            return name, json.dumps(manifest).encode()
        return name, data

    unsafe = tmp_path / "unsafe.tar.gz"
    rewrite(archive, unsafe, climb)

    with pytest.raises(BackupError, match="unsafe name"):
        backup_inspect(unsafe)


@pytest.mark.django_db
def test_restore_refuses_an_old_format_path_that_climbs_out_of_the_media_folder(archive: Path, tmp_path: Path) -> None:
    old = to_format_1(archive, tmp_path / "old" / "balai.tar.gz")
    photo = _a_photo(old)
    evil = "media/../../etc/cron.d/balai"

    def climb(name: str, data: bytes) -> tuple[str, bytes]:
        if name == MANIFEST_NAME:
            manifest = json.loads(data)
            manifest["files"][evil] = manifest["files"].pop(photo)
            return name, json.dumps(manifest).encode()
        return (evil if name == photo else name), data

    unsafe = tmp_path / "unsafe.tar.gz"
    rewrite(old, unsafe, climb)

    with pytest.raises(BackupError, match="unsafe name"):
        backup_inspect(unsafe)


@pytest.mark.django_db
def test_restore_refuses_a_database_that_already_holds_data(archive: Path) -> None:
    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Report.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_restore_with_force_puts_back_exactly_what_the_backup_holds(archive: Path) -> None:
    in_backup = counts_now()
    hashes = photo_hashes()
    later = make_report(photos=1)
    later_photo = later.photos.get().file.name

    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)

    assert "replaced" in out.getvalue()
    assert counts_now() == in_backup
    assert not Report.objects.filter(code=later.code).exists()
    assert photo_hashes() == hashes
    # Files are never deleted by a restore: the later photo stays in storage, unreferenced.
    assert default_storage.exists(later_photo)


def test_backup_refuses_a_database_behind_the_code_and_leaves_no_file(fresh: FreshDatabase, tmp_path: Path) -> None:
    env = operator_env(fresh, tmp_path)
    done = balai(env, "backup", "--output", str(tmp_path / "backups") + "/")

    assert done.returncode == 1
    assert "run `balai migrate` first" in done.stderr
    # No archive and no media: only the lock file and the run log, which records the failure.
    assert sorted(path.name for path in (tmp_path / "backups").iterdir()) == [".backup.lock", "backup-runs.jsonl"]
    [run] = backup_runs(tmp_path / "backups")
    assert run["ok"] is False
    assert "run `balai migrate` first" in run["error"]


@pytest.mark.django_db
def test_a_photo_missing_from_storage_is_reported_and_everything_else_is_kept(busy_city: Pemda, tmp_path: Path) -> None:
    lost = ReportPhoto.objects.order_by("pk").first().file.name
    default_storage.delete(lost)
    errors = io.StringIO()

    call_command("backup", output=tmp_path / "b.tar.gz", stdout=io.StringIO(), stderr=errors)

    manifest = backup_inspect(tmp_path / "b.tar.gz")
    assert f"{lost} is referenced in the database but missing from storage" in errors.getvalue()
    assert manifest["missing_media"] == [lost]
    assert sorted(manifest["media"]) == sorted(
        name for name in ReportPhoto.objects.values_list("file", flat=True) if name != lost
    )
    assert manifest["counts"]["lapor.reportphoto"] == 4
