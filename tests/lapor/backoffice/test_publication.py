"""When a report becomes public: at verification by default, on arrival if the Pemda says so; the coordinator's
public text and hidden photos are audited and shown next to the reporter's original."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection

from balai.core.models import AuditEvent, Pemda, PublishReports
from balai.lapor.models import Report, ReportPhoto, Status
from balai.lapor.services import ActionError
from tests.factories import make_report

from .steps import client_for, fresh, post_action, text, verified
from .verify_form import verify_form

pytestmark = pytest.mark.django_db


def test_a_report_sent_waits_for_verification_to_be_public(city: Pemda, coordinator: Any) -> None:
    report = make_report()
    assert (report.published_at, Report.objects.public().filter(pk=report.pk).exists()) == (None, False)

    report = verified(report, coordinator)

    assert report.published_at == report.verified_at
    assert Report.objects.public().filter(pk=report.pk).exists()


def test_a_pemda_that_publishes_on_arrival_shows_a_report_at_once(city: Pemda, time_machine: Any) -> None:
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    city.publish_reports = PublishReports.ON_ARRIVAL
    city.save(update_fields=["publish_reports", "updated_at"])

    report = make_report()

    assert report.published_at == report.created_at
    assert Report.objects.public().filter(pk=report.pk).exists()
    assert AuditEvent.objects.get(action="report.submit").changes["published"] is True


def test_verifying_keeps_the_reporters_words_and_audits_the_public_version(city: Pemda, coordinator: Any) -> None:
    report = make_report(title="Pak Joko buang sampah", description="Rumah nomor 12.", photos=2)
    first, _second = report.photos.all()

    verified(
        report, coordinator, public_title="Sampah liar di Jalan Sudirman", public_description="Tumpukan sampah.",
        hidden_photos=[first],
    )  # fmt: skip

    report = fresh(report)
    assert (report.title, report.description) == ("Pak Joko buang sampah", "Rumah nomor 12.")
    assert (report.display_title, report.display_description) == ("Sampah liar di Jalan Sudirman", "Tumpukan sampah.")
    assert [photo.is_hidden for photo in report.photos.all()] == [True, False]
    changes = AuditEvent.objects.get(action="report.verify").changes
    assert changes["public_title"] == ["", "Sampah liar di Jalan Sudirman"]
    assert changes["public_description"] == ["", "Tumpukan sampah."]
    assert changes["hidden_photos"] == [[], [str(first.public_id)]]
    assert changes["published"] == [False, True]


def test_a_photo_of_another_report_cannot_be_hidden_and_nothing_is_saved(city: Pemda, coordinator: Any) -> None:
    report, other = make_report(photos=1), make_report(photos=1)

    with pytest.raises(ActionError):
        verified(report, coordinator, hidden_photos=list(other.photos.all()))

    report = fresh(report)
    assert (report.status, report.published_at) == (Status.DITERIMA, None)
    assert not ReportPhoto.objects.filter(is_hidden=True).exists()


def test_the_verify_form_hides_a_photo_and_the_staff_page_shows_original_and_public_text(
    city: Pemda, coordinator: Any
) -> None:
    report = make_report(title="Pak Joko buang sampah", description="Rumah nomor 12.", photos=2)
    first = report.photos.first()
    assert first is not None
    client = client_for(coordinator)
    page = text(client.get(f"/staf/laporan/{report.code}/"))
    assert "not yet public" in page and "Nothing yet: the report becomes public when it is verified." in page
    assert "Hide these photos from the public" in page

    response = post_action(
        client, report, "verify",
        verify_form(report, public_title="Sampah liar di Jalan Sudirman", hidden_photos=[first.pk]),
    )  # fmt: skip
    assert response.status_code == 302

    page = text(client.get(f"/staf/laporan/{report.code}/"))
    original = page[page.index("Reporter's original") : page.index("What the public sees")]
    public = page[page.index("What the public sees") : page.index('class="photos"')]
    assert "Pak Joko buang sampah" in original and "Sampah liar di Jalan Sudirman" not in original
    assert "Sampah liar di Jalan Sudirman" in public and "Pak Joko buang sampah" not in public
    assert "Public since" in page and "1 photo is hidden from the public." in page
    assert "not yet public" not in page


def test_an_empty_public_title_is_refused_and_what_was_typed_is_kept(city: Pemda, coordinator: Any) -> None:
    report = make_report()
    client = client_for(coordinator)

    response = post_action(
        client, report, "verify", verify_form(report, public_title="  ", public_description="Ringkasan saya")
    )

    assert response.status_code == 400
    assert "Ringkasan saya" in text(response)
    assert fresh(report).published_at is None


def test_the_migration_keeps_every_existing_report_public(city: Pemda) -> None:
    report = make_report()
    assert report.published_at is None
    migration = importlib.import_module("balai.lapor.migrations.0009_report_publication")

    migration.publish_existing_reports(django_apps, SimpleNamespace(connection=connection))

    assert fresh(report).published_at == report.created_at
