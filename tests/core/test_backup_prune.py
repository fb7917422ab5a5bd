"""Nightly backups prune themselves by a stated policy, collect the media no kept archive refers to, run one at a
time, and copy the folder off-site when asked."""

from __future__ import annotations

import datetime
import io
import json
import tarfile
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import time_machine
from django.core.management import CommandError, call_command

from balai.core.models import Pemda
from balai.lapor.services import pending_photo_discard, pending_photo_store, report_submit
from balai.platform.backup import backup_inspect, last_backup
from balai.platform.backup_retention import RetentionPolicy, archives_to_keep, backup_lock, timestamped_archives
from tests.factories import ReportInputFactory, processed_photo

STORE = "media-store"


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def test_the_policy_keeps_the_newest_of_each_recent_day_week_and_month() -> None:
    # A backup every night at 02:30 all year, and one by hand on the morning of Saturday 5 December.
    nights = [at("2026-01-01T02:30") + datetime.timedelta(days=n) for n in range(339)]
    stamps = {Path(f"{moment:%Y%m%dT%H%M}"): moment for moment in [*nights, at("2026-12-05T10:00")]}
    assert max(nights) == at("2026-12-05T02:30")

    kept = archives_to_keep(stamps, RetentionPolicy(daily=7, weekly=4, monthly=6))

    assert sorted(path.name for path in kept) == [
        "20260731T0230",  # month: July (the sixth month back)
        "20260831T0230",  # August
        "20260930T0230",  # September
        "20261031T0230",  # October
        "20261115T0230",  # ISO week 46
        "20261122T0230",  # ISO week 47
        "20261129T0230",  # day 7, and the newest of ISO week 48
        "20261130T0230",  # day 6, and the newest of November
        "20261201T0230",
        "20261202T0230",
        "20261203T0230",
        "20261204T0230",
        "20261205T0230",  # within 24 hours of the newest
        "20261205T1000",  # the newest: today, this week, this month
    ]


def test_a_backup_made_by_hand_is_not_pruned_by_the_next_run_that_day() -> None:
    stamps = {Path("by-hand"): at("2026-12-04T10:00"), Path("nightly"): at("2026-12-04T18:30")}

    kept = archives_to_keep(stamps, RetentionPolicy(daily=7, weekly=0, monthly=0))

    assert kept == {Path("by-hand"), Path("nightly")}  # not the day's newest, but within 24 hours of the newest
    later = {**stamps, Path("next-nightly"): at("2026-12-05T18:30")}
    assert archives_to_keep(later, RetentionPolicy(daily=7, weekly=0, monthly=0)) == {
        Path("nightly"),
        Path("next-nightly"),
    }


def test_the_newest_archive_is_kept_even_by_a_policy_that_keeps_nothing() -> None:
    stamps = {Path("a"): at("2026-12-01T02:30"), Path("b"): at("2026-12-04T02:30"), Path("c"): at("2026-11-01T02:30")}

    assert archives_to_keep(stamps, RetentionPolicy(daily=0, weekly=0, monthly=0)) == {Path("b")}


def test_days_are_those_of_the_city_so_a_backup_before_a_daytime_upgrade_is_the_day_s_archive(
    tmp_path: Path, settings: Any
) -> None:
    settings.TIME_ZONE = "Asia/Makassar"  # WITA, UTC+8: the nightly 02:30 run is at 18:30 UTC the day before
    names = [
        "balai-20261101T183000Z.tar.gz",  # nightly, 2 November 02:30 WITA
        "balai-20261102T020000Z.tar.gz",  # by hand before an upgrade, 2 November 10:00 WITA
        "balai-20261102T183000Z.tar.gz",  # nightly, 3 November 02:30 WITA (the same UTC day as the one by hand)
    ]
    for name in names:
        (tmp_path / name).touch()

    kept = archives_to_keep(timestamped_archives(tmp_path), RetentionPolicy(daily=7, weekly=0, monthly=0))

    assert sorted(path.name for path in kept) == names[1:]


def nightly(directory: Path, when: str, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(when, tick=True):
        call_command("backup", output=f"{directory}/", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def objects(directory: Path) -> set[str]:
    return {path.name for path in (directory / STORE).glob("*/*")}


@pytest.mark.django_db
def test_prune_keeps_the_policy_s_archives_and_removes_media_only_pruned_ones_referred_to(
    city: Pemda, tmp_path: Path, settings: Any
) -> None:
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 2, 0, 0
    report_submit(data=ReportInputFactory.build(), photos=[processed_photo(color=(200, 80, 40))])
    # A photo of a form that was never sent: in the first night's backup and in one made by hand before an
    # upgrade (never pruned: only `balai-<time>.tar.gz` are), then discarded.
    form = uuid4()
    pending = pending_photo_store(form_token=form, photo=processed_photo(color=(0, 0, 255)), original_name="a.jpg")
    nightly(tmp_path, "2026-11-01 02:30 +0000")
    [first] = tmp_path.glob("balai-*.tar.gz")
    pending_sha = backup_inspect(first)["media"][pending.file.name]["sha256"]
    by_hand = tmp_path / "before-upgrade.tar.gz"
    call_command("backup", output=by_hand, stdout=io.StringIO())
    pending_photo_discard(form_token=form, public_ids=[pending.public_id])
    # A copy of /etc/balai kept beside the backups, as the guide suggests: not an archive, it blocks nothing.
    with tarfile.open(tmp_path / "etc-balai.tar.gz", "w:gz") as tar:
        tar.add(Path(__file__), arcname="etc/balai/balai.env")
    leftover = tmp_path / STORE / ".partial-killed-run"
    leftover.write_bytes(b"half a photo")

    nightly(tmp_path, "2026-11-02 02:30 +0000")
    assert not leftover.exists()
    out, _ = nightly(tmp_path, "2026-11-03 02:30 +0000")
    assert "removed 1; removed 0 unreferenced media objects" in out  # the first night goes, by_hand keeps the photo
    assert not first.exists()
    assert pending_sha in objects(tmp_path)
    by_hand.unlink()
    out, _ = nightly(tmp_path, "2026-11-04 02:30 +0000")

    assert sorted(path.name for path in tmp_path.glob("*.tar.gz")) == [
        "balai-20261103T023000Z.tar.gz",
        "balai-20261104T023000Z.tar.gz",
        "etc-balai.tar.gz",
    ]
    assert "kept 2 archives, removed 1; removed 1 unreferenced media objects" in out
    assert pending_sha not in objects(tmp_path)
    # What is left is exactly what the kept archives refer to.
    referred = set()
    for archive in tmp_path.glob("balai-*.tar.gz"):
        referred |= {entry["sha256"] for entry in backup_inspect(archive)["media"].values()}
    assert objects(tmp_path) == referred
    assert len(referred) == 1


@pytest.mark.django_db
def test_nothing_is_collected_while_an_archive_in_the_folder_cannot_be_read(
    city: Pemda, tmp_path: Path, settings: Any
) -> None:
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 1, 0, 0
    form = uuid4()
    pending = pending_photo_store(form_token=form, photo=processed_photo(color=(0, 0, 255)), original_name="a.jpg")
    nightly(tmp_path, "2026-11-01 02:30 +0000")
    pending_photo_discard(form_token=form, public_ids=[pending.public_id])
    (tmp_path / "damaged.tar.gz").write_bytes(b"not gzip")
    before = objects(tmp_path)

    out, err = nightly(tmp_path, "2026-11-02 02:30 +0000")

    assert "kept 1 archives, removed 1; removed 0 unreferenced" in out  # the first night's archive went…
    assert "the media store was not cleaned" in err  # …but not its photo: a damaged archive might refer to it
    assert "damaged.tar.gz" in err
    assert objects(tmp_path) == before


@pytest.mark.django_db
def test_a_second_run_in_the_same_folder_waits_for_the_first_or_gives_up(city: Pemda, tmp_path: Path) -> None:
    with backup_lock(tmp_path), pytest.raises(CommandError, match="another backup run holds"):
        nightly(tmp_path, "2026-11-01 02:30 +0000", wait=0)
    assert list(tmp_path.glob("*.tar.gz")) == []

    nightly(tmp_path, "2026-11-01 02:31 +0000", wait=0)  # the lock is free again
    assert len(list(tmp_path.glob("*.tar.gz"))) == 1


@pytest.mark.django_db
def test_the_off_site_command_copies_the_folder_after_the_backup(city: Pemda, tmp_path: Path, settings: Any) -> None:
    report_submit(data=ReportInputFactory.build(), photos=[processed_photo()])
    local, offsite = tmp_path / "local", tmp_path / "offsite"
    settings.BACKUP_DIR = local
    settings.BACKUP_OFFSITE = f"cp -r {{dir}} {offsite}"

    out, _ = nightly(local, "2026-11-01 02:30 +0000")

    assert "off-site copy done" in out
    [archive] = local.glob("balai-*.tar.gz")
    assert (offsite / archive.name).read_bytes() == archive.read_bytes()
    assert {p.name for p in (offsite / STORE).glob("*/*")} == objects(local) != set()
    latest = last_backup()
    assert latest is not None
    assert latest.offsite_configured is True
    assert latest.offsite_ok is True


@pytest.mark.django_db
def test_a_failed_off_site_copy_is_reported_and_the_local_backup_stands(
    city: Pemda, tmp_path: Path, settings: Any
) -> None:
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_OFFSITE = f"cp -r {{dir}} {tmp_path / 'no' / 'such' / 'folder'}"

    _, err = nightly(tmp_path, "2026-11-01 02:30 +0000")

    assert "warning: the off-site copy failed (the local backup is fine): cp exited with status 1" in err
    [archive] = tmp_path.glob("balai-*.tar.gz")
    assert backup_inspect(archive)["counts"]["core.pemda"] == 1
    latest = last_backup()
    assert latest is not None
    assert latest.path == archive
    assert latest.offsite_ok is False
    run = json.loads((tmp_path / "backup-runs.jsonl").read_text().splitlines()[-1])
    assert "No such file or directory" in run["offsite_error"]


def test_a_malformed_retention_or_off_site_setting_is_refused_at_start(tmp_path: Path) -> None:
    import subprocess
    import sys

    for name, value, message in [
        ("BACKUP_KEEP_DAILY", "seven", "BACKUP_KEEP_DAILY='seven' is not a whole number"),
        ("BACKUP_KEEP_WEEKLY", "-1", "must be 0 or more"),
        ("BACKUP_OFFSITE", "rclone sync {dir} 'remote:balai", "BACKUP_OFFSITE="),
    ]:
        done = subprocess.run(
            [sys.executable, "-c", "import balai.settings"],
            env={"PATH": "/usr/bin:/bin", "BALAI_DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 50, name: value},
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert done.returncode == 1
        assert message in done.stderr
