"""The monthly PDF built in the background: asking (scoped, audited, once at a time), the worker, downloading."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from balai.core.models import AuditEvent, Unit
from balai.dasbor.export_jobs import ExportPendingError, build_export, current_month, export_request
from balai.dasbor.models import ExportJob, ExportStatus
from balai.lapor.models import Report

LAST_MONTH = (current_month() - timedelta(days=1)).replace(day=1)


def unit_of(user) -> Unit:
    return Unit.objects.get(memberships__user=user, memberships__is_active=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_coordinator_asks_for_the_pemda_report_and_it_is_queued_and_audited(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(actor=coordinator, month=LAST_MONTH.replace(day=17), unit=None)
    assert job.status == ExportStatus.QUEUED
    assert job.month.day == 1
    assert job.unit is None
    assert job.requested_by == coordinator
    event = AuditEvent.objects.get(action="dasbor.export_request")
    assert event.actor == coordinator
    assert event.object_id == str(job.public_id)
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [str(job.public_id)]


def test_the_same_report_is_refused_while_the_first_is_pending(coordinator, pimpinan):
    first = export_request(actor=coordinator, month=LAST_MONTH, unit=None)
    with pytest.raises(ExportPendingError) as refused:
        export_request(actor=pimpinan, month=LAST_MONTH, unit=None)
    assert refused.value.job == first
    # Another month or another scope is another report.
    export_request(actor=coordinator, month=(LAST_MONTH - timedelta(days=1)).replace(day=1), unit=None)
    export_request(actor=coordinator, month=LAST_MONTH, unit=Unit.objects.opd().first())
    # Once the first is done, the same report may be made again (the figures may have moved).
    ExportJob.objects.filter(pk=first.pk).update(status=ExportStatus.DONE)
    again = export_request(actor=pimpinan, month=LAST_MONTH, unit=None)
    assert again != first
    assert ExportJob.objects.count() == 4


def test_the_database_refuses_a_second_pending_job_even_past_the_service(coordinator):
    from django.db import IntegrityError, transaction

    ExportJob.objects.create(month=LAST_MONTH, unit=None, requested_by=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(month=LAST_MONTH, unit=None, requested_by=coordinator, status=ExportStatus.RUNNING)


def test_a_job_that_lost_its_worker_is_failed_and_may_be_asked_again(coordinator):
    stale = export_request(actor=coordinator, month=LAST_MONTH, unit=None)
    ExportJob.objects.filter(pk=stale.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    fresh = export_request(actor=coordinator, month=LAST_MONTH, unit=None)
    stale.refresh_from_db()
    assert stale.status == ExportStatus.FAILED
    assert stale.error
    assert fresh.status == ExportStatus.QUEUED


def test_an_opd_reader_may_ask_only_for_their_own_opd(operator_pupr, operator_dinkes, head_pupr):
    pupr, dinkes = unit_of(operator_pupr), unit_of(operator_dinkes)
    with pytest.raises(PermissionDenied):
        export_request(actor=operator_pupr, month=LAST_MONTH, unit=None)
    with pytest.raises(PermissionDenied):
        export_request(actor=operator_pupr, month=LAST_MONTH, unit=dinkes)
    job = export_request(actor=head_pupr, month=LAST_MONTH, unit=pupr)
    assert job.unit == pupr


def test_a_month_in_the_future_is_refused(coordinator):
    with pytest.raises(ValidationError):
        export_request(actor=coordinator, month=current_month() + timedelta(days=40), unit=None)


def test_a_citizen_account_without_a_reach_is_refused(city, django_user_model):
    outsider = django_user_model.objects.create_user("warga", password="x")
    with pytest.raises(PermissionDenied):
        export_request(actor=outsider, month=LAST_MONTH, unit=None)


# The worker closes database connections between jobs, as in production: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_pdf_in_the_language_of_the_request_and_it_can_be_downloaded(city, client):
    from django.contrib.auth import get_user_model

    coordinator = get_user_model().objects.get(username="koordinator")
    job = export_request(actor=coordinator, month=date(2026, 1, 1), unit=None, language="en")
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    assert job.file.name.startswith("ekspor/")
    assert job.started_at <= job.finished_at
    with job.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    cover = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert city.name in cover
    assert "January 2026" in cover

    client.force_login(get_user_model().objects.get(username="pimpinan"))
    response = client.get(reverse("dasbor:export_download", args=[job.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="laporan-bulanan-2026-01-kota-bitung.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == content
    # A second run of the same task changes nothing.
    assert build_export.call(str(job.public_id)) == "skipped"


@pytest.mark.django_db(transaction=True)
def test_the_download_is_refused_to_a_reader_of_another_opd(city, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    head_pupr, operator_pupr, operator_dinkes = (
        users.get(username=name) for name in ("kepala.pupr", "operator.pupr", "operator.dinkes")
    )
    job = export_request(actor=head_pupr, month=date(2026, 1, 1), unit=unit_of(head_pupr))
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    url = reverse("dasbor:export_download", args=[job.public_id])

    client.force_login(operator_dinkes)
    assert client.get(url).status_code == 404
    listing = client.get(reverse("dasbor:exports"))
    assert str(job.public_id) not in listing.content.decode()

    client.force_login(operator_pupr)
    assert client.get(url).status_code == 200
    assert str(job.public_id) in client.get(reverse("dasbor:exports")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_report_that_cannot_be_stored_is_marked_failed_with_the_reason(city, settings, tmp_path):
    from django.contrib.auth import get_user_model

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the media folder cannot be created here")
    settings.MEDIA_ROOT = blocker
    job = export_request(actor=get_user_model().objects.get(username="koordinator"), month=date(2026, 1, 1), unit=None)
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert "Error" in job.error
    assert not job.file


def test_the_page_asks_for_a_report_and_lists_it(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("dasbor:exports"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["month"].value() == LAST_MONTH.isoformat()
    scopes = [value for value, _label in form.fields["scope"].choices]
    assert scopes[0] == "pemda"
    assert set(scopes[1:]) == set(Unit.objects.opd().active().values_list("slug", flat=True))

    response = client.post(reverse("dasbor:exports"), {"month": LAST_MONTH.isoformat(), "scope": "pemda"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.requested_by == coordinator
    assert job.language == "id"
    listing = client.get(reverse("dasbor:exports"))
    assert listing.context["has_pending"]
    assert listing.context["jobs"] == [job]

    again = client.post(reverse("dasbor:exports"), {"month": LAST_MONTH.isoformat(), "scope": "pemda"}, follow=True)
    assert ExportJob.objects.count() == 1
    assert [m.level_tag for m in again.context["messages"]] == ["info"]


def test_an_opd_reader_is_offered_only_their_opd_and_cannot_post_another(client, operator_pupr, operator_dinkes):
    client.force_login(operator_pupr)
    page = client.get(reverse("dasbor:exports"))
    assert [value for value, _label in page.context["form"].fields["scope"].choices] == [unit_of(operator_pupr).slug]
    response = client.post(reverse("dasbor:exports"), {"month": LAST_MONTH.isoformat(), "scope": "pemda"})
    assert response.status_code == 400
    response = client.post(
        reverse("dasbor:exports"), {"month": LAST_MONTH.isoformat(), "scope": unit_of(operator_dinkes).slug}
    )
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_a_pending_or_failed_job_has_no_download(client, coordinator):
    job = export_request(actor=coordinator, month=LAST_MONTH, unit=None)
    client.force_login(coordinator)
    assert client.get(reverse("dasbor:export_download", args=[job.public_id])).status_code == 404


def test_the_exports_page_needs_a_reader(client, city, django_user_model):
    assert client.get(reverse("dasbor:exports")).status_code == 302
    client.force_login(django_user_model.objects.create_user("warga", password="x"))
    assert client.get(reverse("dasbor:exports")).status_code == 403


def test_the_report_carries_the_command_centers_figures_for_the_month_and_scope(city, operator_pupr):
    from balai.dasbor.monthly_report import monthly_report_data

    from ..factories import make_report

    for _ in range(3):
        make_report()
    with translation.override("en"):
        whole = monthly_report_data(month=current_month(), unit=None)
        pupr = monthly_report_data(month=current_month(), unit=unit_of(operator_pupr))
    assert whole.kpis["Reports received"] == 3
    assert whole.kpis["Open now"] == 3
    assert whole.scope_label == f"The whole Pemda ({city.short_name})"
    assert whole.tables[0].slug == "peringkat-opd"
    assert {title for title, _svg in whole.charts} >= {"Open reports now: the OPD with the most"}
    # Nothing has been dispatched to Dinas PUPR yet: its report counts none of them, and has no ranking.
    assert pupr.kpis["Reports received"] == 0
    assert pupr.kpis["Open now"] == 0
    assert pupr.scope_label == unit_of(operator_pupr).name
    assert "peringkat-opd" not in [table.slug for table in pupr.tables]
    # Figures only: no report title, text or reporter in any table.
    cells = {str(value) for table in whole.tables for row in table.rows for value in row.values()}
    report = Report.objects.first()
    assert report.title not in cells
    assert report.reporter_name not in cells
