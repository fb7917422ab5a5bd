"""`balai integrity`: each kind of damage, made on purpose, is found and named; a healthy city passes."""

from __future__ import annotations

import io
import os
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from balai.lapor import integrity as lapor_integrity
from balai.lapor.models import PendingPhoto, Report, ReportEvent, ReportPhoto, Status
from balai.lapor.services import pending_photo_store
from balai.platform import integrity
from tests.factories import make_report, processed_photo
from tests.lapor.backoffice import steps

pytestmark = pytest.mark.django_db


def run_integrity(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("integrity", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def checks_found(**kwargs: Any) -> list[tuple[str, str]]:
    return [(f.check, f.subject) for f in integrity.find_problems(**kwargs)]


def stray_file(name: str = "laporan/2026/01/BTG-ZZZZ-ZZZZ-1.jpg", *, age: timedelta = timedelta(hours=1)) -> str:
    stored = default_storage.save(name, ContentFile(b"\xff\xd8 not referenced"))
    then = time.time() - age.total_seconds()
    os.utime(default_storage.path(stored), (then, then))
    return stored


def test_a_healthy_city_with_reports_photos_and_transitions_has_no_problems(city, coordinator):
    make_report(photos=2)
    moved = make_report()
    steps.verified(moved, coordinator)

    assert integrity.find_problems() == []
    assert run_integrity() == (0, "integrity: no problems found\n")


def test_the_demo_city_with_its_sample_history_has_no_problems(db):
    from balai.platform.demo import load_demo

    load_demo(reports=25)

    assert Report.objects.exclude(status=Status.DITERIMA).exists(), "the sample history moves some reports along"
    assert integrity.find_problems() == []


def test_a_report_without_any_event_is_found(city):
    report = make_report()
    make_report()
    ReportEvent.objects.filter(report=report).delete()

    assert checks_found() == [(lapor_integrity.REPORT_WITHOUT_EVENT, str(report.pk))]
    code, out = run_integrity()
    assert code == 1
    assert f"report id={report.pk} code={report.code} has no event" in out
    assert out.endswith("integrity: 1 problems (1 report-without-event)\n")


def test_an_event_whose_report_is_gone_is_found_even_though_the_orm_would_hide_it(city):
    report = make_report()
    event = ReportEvent.objects.get(report=report)
    # Foreign keys are checked at commit on both databases; this test's transaction is never committed.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM lapor_report WHERE id = %s", [report.pk])
    try:
        assert checks_found() == [(lapor_integrity.EVENT_WITHOUT_REPORT, str(event.pk))]
        code, out = run_integrity()
        assert code == 1
        assert f"event id={event.pk} points at report id={report.pk}, which does not exist" in out
    finally:
        ReportEvent.objects.filter(pk=event.pk).delete()  # or the end-of-test constraint check fails


def test_a_photo_whose_file_is_missing_is_found(city):
    report = make_report(photos=2)
    lost = ReportPhoto.objects.filter(report=report).order_by("position").last()
    assert lost is not None
    default_storage.delete(lost.file.name)

    assert checks_found() == [(lapor_integrity.PHOTO_FILE_MISSING, str(lost.pk))]
    code, out = run_integrity()
    assert code == 1
    assert f"photo id={lost.pk} of report id={report.pk} code={report.code}: file '{lost.file.name}' is missing" in out


def test_a_photo_file_no_report_references_is_an_orphan(city):
    make_report(photos=1)
    orphan = stray_file()
    stray_file("pending/not-a-report-photo.jpg")  # pending photos live elsewhere and have their own check

    assert checks_found() == [(integrity.ORPHAN_FILE, orphan)]
    code, out = run_integrity()
    assert code == 1
    assert f"file {orphan} belongs to no photo" in out


def test_a_fresh_unreferenced_file_may_still_belong_to_a_report_being_sent(city):
    fresh = stray_file(age=timedelta(seconds=5))

    assert checks_found() == []
    assert checks_found(orphan_grace=timedelta(0)) == [(integrity.ORPHAN_FILE, fresh)]
    assert run_integrity("--orphan-grace", "0")[0] == 1


def test_fix_orphans_deletes_the_orphan_files_and_nothing_else(city):
    report = make_report(photos=1)
    kept = ReportPhoto.objects.get(report=report).file.name
    orphan = stray_file()
    pending = pending_photo_store(form_token=uuid.uuid4(), photo=processed_photo(), original_name="a.jpg")
    ReportEvent.objects.filter(report=report).delete()

    code, out = run_integrity("--fix-orphans")

    assert code == 1, "the report without events is still a problem"
    assert f"removed orphan file {orphan}" in out
    assert out.endswith("integrity: 1 problems (1 report-without-event); 1 orphan files removed\n")
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept)
    assert default_storage.exists(pending.file.name)
    assert Report.objects.filter(pk=report.pk).exists()


def test_fix_orphans_leaves_a_clean_city_when_orphans_were_the_only_problem(city):
    stray_file()

    assert run_integrity("--fix-orphans")[0] == 0
    assert run_integrity() == (0, "integrity: no problems found\n")


def test_a_pending_photo_older_than_a_day_is_found(city):
    old = pending_photo_store(form_token=uuid.uuid4(), photo=processed_photo(), original_name="lama.jpg")
    pending_photo_store(form_token=uuid.uuid4(), photo=processed_photo(), original_name="baru.jpg")
    PendingPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))

    assert checks_found() == [(lapor_integrity.STALE_PENDING_PHOTO, str(old.pk))]
    code, out = run_integrity()
    assert code == 1
    assert f"pending photo id={old.pk} ({old.file.name}) is left over from" in out


def test_a_report_whose_photo_count_differs_from_its_photos_is_found(city):
    report = make_report(photos=2)
    make_report(photos=1)
    Report.objects.filter(pk=report.pk).update(photo_count=3)

    assert checks_found() == [(lapor_integrity.PHOTO_COUNT_MISMATCH, str(report.pk))]
    code, out = run_integrity()
    assert code == 1
    assert f"report id={report.pk} code={report.code} counts 3 photos but has 2" in out


def test_a_report_whose_hidden_photo_count_differs_from_its_hidden_photos_is_found(city, coordinator):
    report = make_report(photos=2)
    steps.verified(report, coordinator, hidden_photos=[report.photos.first()])
    assert checks_found() == []
    Report.objects.filter(pk=report.pk).update(hidden_photo_count=0)

    assert checks_found() == [(lapor_integrity.PHOTO_COUNT_MISMATCH, str(report.pk))]
    code, out = run_integrity()
    assert code == 1
    assert f"report id={report.pk} code={report.code} counts 2 photos but has 2, counts 0 hidden but has 1" in out


def test_a_report_whose_status_differs_from_its_last_status_event_is_found(city, coordinator):
    report = make_report()
    steps.verified(report, coordinator)
    Report.objects.filter(pk=report.pk).update(status=Status.DITERIMA)

    assert checks_found() == [(lapor_integrity.STATUS_MISMATCH, str(report.pk))]
    code, out = run_integrity()
    assert code == 1
    assert (
        f"report id={report.pk} code={report.code} is 'diterima' but its last status event says 'diverifikasi'" in out
    )


def test_every_kind_of_damage_is_counted_in_the_summary(city):
    without_event, recounted = make_report(), make_report(photos=1)
    ReportEvent.objects.filter(report=without_event).delete()
    Report.objects.filter(pk=recounted.pk).update(photo_count=0)
    stray_file()

    code, out = run_integrity()

    assert code == 1
    assert (
        out.splitlines()[-1] == "integrity: 3 problems (1 orphan-file, 1 photo-count-mismatch, 1 report-without-event)"
    )
