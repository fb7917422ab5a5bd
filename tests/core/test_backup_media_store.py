"""Media are backed up once: the nightly archive refers to a content-addressed store beside it, which restores
check file by file."""

from __future__ import annotations

import io
import re
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from balai.core.models import Pemda
from balai.lapor.models import Report
from balai.lapor.services import report_submit
from balai.platform.backup import backup_inspect, backup_runs, last_backup
from tests.factories import ReportInputFactory, make_report, processed_photo

STORE = "media-store"


def store_objects(directory: Path) -> dict[str, int]:
    """sha256 -> size of every object in the store of `directory`."""
    store = directory / STORE
    if not store.exists():
        return {}
    return {path.name: path.stat().st_size for path in store.glob("*/*") if path.is_file()}


def nightly(directory: Path, when: str, **options: Any) -> str:
    """`balai backup --output DIRECTORY/` at a given time; its output."""
    out = io.StringIO()
    with time_machine.travel(when, tick=True):
        call_command("backup", output=f"{directory}/", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def city_with_photos(city: Pemda) -> Pemda:
    # Two different photos: the same picture sent twice is one object in the store.
    report_submit(data=ReportInputFactory.build(), photos=[processed_photo(color=(200, 80, 40))])
    report_submit(
        data=ReportInputFactory.build(),
        photos=[processed_photo(color=(10, 120, 200)), processed_photo(color=(200, 80, 40))],
    )
    return city


@pytest.mark.django_db
def test_a_second_backup_adds_no_media_bytes_for_unchanged_photos(city_with_photos: Pemda, tmp_path: Path) -> None:
    first = nightly(tmp_path, "2026-11-02 02:30 +0000")
    objects = store_objects(tmp_path)
    assert len(objects) == 2  # three photos, two pictures
    assert "3 media files (2 new" in first

    second = nightly(tmp_path, "2026-11-03 02:30 +0000")

    assert "3 media files (0 new, 0.0 MB added to the store)" in second
    assert store_objects(tmp_path) == objects
    archives = sorted(tmp_path.glob("balai-*.tar.gz"))
    assert len(archives) == 2
    assert backup_inspect(archives[0])["media"] == backup_inspect(archives[1])["media"]
    # Each archive holds the data and the manifest only.
    for archive in archives:
        with tarfile.open(archive) as tar:
            assert tar.getnames() == ["data.jsonl", "manifest.json"]


@pytest.mark.django_db
def test_a_new_photo_adds_exactly_one_object(city_with_photos: Pemda, tmp_path: Path) -> None:
    nightly(tmp_path, "2026-11-02 02:30 +0000")
    before = store_objects(tmp_path)
    report = report_submit(data=ReportInputFactory.build(), photos=[processed_photo(color=(0, 160, 60))])
    added = report.photos.get()

    out = nightly(tmp_path, "2026-11-03 02:30 +0000")

    after = store_objects(tmp_path)
    [new] = set(after) - set(before)
    assert after[new] == added.file.size
    assert f"4 media files (1 new, {added.file.size / 1_000_000:.1f} MB added" in out
    assert last_backup(tmp_path).media_added_bytes == added.file.size  # type: ignore[union-attr]


@pytest.mark.django_db
def test_restore_names_the_object_the_store_lacks_and_touches_nothing(city_with_photos: Pemda, tmp_path: Path) -> None:
    archive = tmp_path / "balai.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    manifest = backup_inspect(archive)
    # The picture sent once (the other is sent twice: one object for two files).
    [(name, entry)] = [
        (name, entry)
        for name, entry in manifest["media"].items()
        if [e["sha256"] for e in manifest["media"].values()].count(entry["sha256"]) == 1
    ]
    (tmp_path / STORE / entry["sha256"][:2] / entry["sha256"]).unlink()
    make_report()

    with pytest.raises(
        CommandError, match=re.escape(f"lacks 1 of the 3 media files this archive refers to (first: {name}")
    ):
        call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert Report.objects.count() == 3  # the report made after the backup is still there: nothing was restored


@pytest.mark.django_db(
    transaction=True
)  # a restore with --force flushes: PostgreSQL refuses it inside a test's transaction
def test_restore_reads_a_store_that_was_copied_elsewhere(city_with_photos: Pemda, tmp_path: Path) -> None:
    call_command("backup", output=tmp_path / "night" / "balai.tar.gz", stdout=io.StringIO())
    elsewhere = tmp_path / "copied"
    elsewhere.mkdir()
    shutil.move(tmp_path / "night" / "balai.tar.gz", elsewhere / "balai.tar.gz")
    make_report()

    with pytest.raises(CommandError, match="--store"):
        call_command("restore", str(elsewhere / "balai.tar.gz"), force=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(elsewhere / "balai.tar.gz"), force=True, store=tmp_path / "night" / STORE, stdout=out)
    assert "3 media files" in out.getvalue()
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_backup_refuses_a_store_inside_the_uploaded_files(city_with_photos: Pemda, settings: Any) -> None:
    media_root = Path(settings.MEDIA_ROOT)

    with pytest.raises(CommandError, match="write backups to a folder of their own"):
        call_command("backup", output=media_root / "balai.tar.gz", stdout=io.StringIO())
    assert not (media_root / "balai.tar.gz").exists()
    assert not (media_root / STORE).exists()


@pytest.mark.django_db
def test_each_run_is_recorded_for_balai_doctor(city_with_photos: Pemda, tmp_path: Path, settings: Any) -> None:
    settings.BACKUP_DIR = tmp_path
    assert last_backup() is None  # no backup run yet

    nightly(tmp_path, "2026-11-02 02:30 +0000")

    latest = last_backup()
    assert latest is not None
    [archive] = tmp_path.glob("balai-*.tar.gz")
    assert latest.path == archive
    assert latest.bytes == archive.stat().st_size
    assert latest.finished_at.date().isoformat() == "2026-11-02"
    assert latest.offsite_configured is False
    [run] = backup_runs()
    assert run["ok"] is True
    assert run["media_added"] == 2


@pytest.mark.django_db
def test_an_archive_from_before_runs_were_recorded_counts_as_the_last_backup(tmp_path: Path, settings: Any) -> None:
    settings.BACKUP_DIR = tmp_path
    older = tmp_path / "balai-20261101T023000Z.tar.gz"
    older.write_bytes(b"x" * 10)

    latest = last_backup()

    assert latest is not None
    assert latest.path == older
    assert latest.bytes == 10
