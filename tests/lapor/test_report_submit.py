from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command

from balai.core.models import AuditEvent
from balai.lapor.models import Report, ReportEvent, ReportPhoto, Status
from balai.lapor.services import DuplicateSubmission, report_submit
from tests.factories import ReportInputFactory, make_report, processed_photo

pytestmark = pytest.mark.django_db


def test_it_stores_a_received_report_with_its_first_event_and_audit(city):
    report = make_report(photos=2)

    assert report.status == Status.DITERIMA
    assert report.code.startswith("BTG-")
    assert report.kecamatan_id == report.kelurahan.parent_id
    assert report.photos.count() == 2 == report.photo_count
    event = ReportEvent.objects.get(report=report)
    assert (event.to_status, event.is_public) == (Status.DITERIMA, True)
    audit = AuditEvent.objects.get(action="report.submit", object_id=report.code)
    assert audit.changes["photos"] == 2


def test_the_verification_deadline_is_three_working_days_in_the_pemdas_time_zone(city):
    report = make_report()
    local_due = report.verify_due_at.astimezone(report.verify_due_at.tzinfo)
    from balai.core.selectors import work_calendar

    calendar = work_calendar(city)
    assert calendar.working_days_between(report.created_at, report.verify_due_at) == 3
    assert calendar.is_working_day(calendar.local_date(local_due))


def test_the_same_form_token_creates_one_report(city):
    token = uuid.uuid4()
    first = report_submit(data=ReportInputFactory.build(), submission_token=token)

    with pytest.raises(DuplicateSubmission) as caught:
        report_submit(data=ReportInputFactory.build(), submission_token=token)

    assert caught.value.report == first
    assert Report.objects.count() == 1


def test_a_failure_leaves_no_report_no_event_and_no_photo_file(city, monkeypatch):
    written = []
    original_save = default_storage.save

    def save_then_remember(name, content, **kwargs):
        stored = original_save(name, content, **kwargs)
        written.append(stored)
        return stored

    monkeypatch.setattr(default_storage, "save", save_then_remember)
    # Break the audit write, the last step inside the transaction (the audit trail is ours, the failure is injected).
    monkeypatch.setattr(
        "balai.lapor.services.submission.audit_record", lambda **kw: (_ for _ in ()).throw(RuntimeError("disk full"))
    )

    with pytest.raises(RuntimeError):
        report_submit(data=ReportInputFactory.build(), photos=[processed_photo(), processed_photo()])

    assert written, "the photos were written before the failure"
    assert not any(default_storage.exists(name) for name in written)
    assert Report.objects.count() == ReportEvent.objects.count() == ReportPhoto.objects.count() == 0


# The worker closes database connections between jobs, as in production: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_the_confirmation_email_is_sent_by_the_worker_with_the_tracking_link(city):
    report = make_report(reporter_email="warga@example.id")
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["warga@example.id"]
    assert report.code in message.subject
    assert f"/lacak/{report.code}/" in message.body


@pytest.mark.django_db(transaction=True)
def test_no_email_is_queued_without_an_address(city):
    make_report(reporter_email="")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mail.outbox == []
