"""Training records: entered by an administrator, or recorded once when an operator confirms the in-app guide."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from balai.core.models import AuditEvent, TrainingKind, TrainingRecord
from balai.core.services import training_record
from tests.lapor.backoffice.steps import client_for, text

pytestmark = pytest.mark.django_db

GUIDE = "/staf/panduan/"


def test_an_operator_reads_the_guide_in_plain_words_and_can_confirm_it(city, operator_pupr):
    response = client_for(operator_pupr).get(GUIDE)

    page = text(response)
    assert response.status_code == 200
    assert "Guide for OPD operators" in page
    for step in ("Accept and start", "Public response", "Mark as finished", "Return to the coordinator"):
        assert step in page
    assert "Light (2 working days)" in page
    assert 'action="/staf/panduan/#confirm"' in page
    assert "I have read this guide" in page


def test_the_guide_is_in_indonesian_for_an_indonesian_reader(city, operator_pupr):
    client = client_for(operator_pupr)
    client.cookies["django_language"] = "id"

    page = text(client.get(GUIDE))

    assert "Panduan untuk operator OPD" in page
    assert "Guide for OPD operators" not in page


def test_confirming_the_guide_records_one_training_and_one_audit_event_however_often_it_is_sent(city, operator_pupr):
    client = client_for(operator_pupr)

    first = client.post(GUIDE, {"read": "on"})
    second = client.post(GUIDE, {"read": "on"})

    assert first.status_code == second.status_code == 302
    (record,) = TrainingRecord.objects.filter(user=operator_pupr)
    bitung_today = timezone.localdate(timezone=ZoneInfo(city.time_zone))  # WITA, whatever the server's zone
    assert (record.kind, record.recorded_by, record.date) == (TrainingKind.GUIDE, operator_pupr, bitung_today)
    (event,) = AuditEvent.objects.filter(action="training.guide_confirm")
    assert (event.actor, event.object_id) == (operator_pupr, str(record.pk))
    page = text(client.get(GUIDE))
    assert "You confirmed that you read this guide on" in page
    assert 'action="/staf/panduan/#confirm"' not in page


def test_the_guide_is_not_confirmed_without_the_tick(city, operator_pupr):
    response = client_for(operator_pupr).post(GUIDE, {})

    assert response.status_code == 200
    assert "Tick the box to confirm that you have read the guide." in text(response)
    assert not TrainingRecord.objects.exists()


def test_the_guide_is_for_staff_only(city):
    assert client_for().get(GUIDE)["Location"].startswith("/staf/masuk/?next=")
    citizen = get_user_model().objects.create_user(username="warga", email="warga@example.id")
    assert client_for(citizen).get(GUIDE).status_code == 403
    assert client_for(citizen).post(GUIDE, {"read": "on"}).status_code == 403
    assert not TrainingRecord.objects.exists()


def test_recording_a_training_is_audited_with_who_recorded_it(city, sysadmin, operator_dinkes):
    record = training_record(
        actor=sysadmin, user=operator_dinkes, kind=TrainingKind.DIKLAT, title="Diklat SPBE", date=date(2026, 2, 10),
        organiser="BPSDM Provinsi Sulawesi Utara",
    )  # fmt: skip

    assert record.recorded_by == sysadmin
    (event,) = AuditEvent.objects.filter(action="training.record")
    assert event.actor == sysadmin
    assert event.changes == {"user": "operator.dinkes", "kind": "diklat", "title": "Diklat SPBE", "date": "2026-02-10"}


def test_a_training_cannot_be_recorded_before_it_takes_place(city, sysadmin, operator_dinkes):
    with pytest.raises(ValidationError) as raised:
        training_record(
            actor=sysadmin, user=operator_dinkes, kind=TrainingKind.BIMTEK, title="Bimtek",
            date=timezone.localdate() + timedelta(days=3),
        )  # fmt: skip

    assert "date" in raised.value.message_dict
    assert not TrainingRecord.objects.exists()


def test_an_administrator_enters_a_bimtek_in_the_admin_and_it_is_recorded_as_theirs(city, sysadmin, operator_pupr):
    client = client_for(sysadmin)
    form = client.get(f"/staf/admin/core/trainingrecord/add/?user={operator_pupr.pk}")
    assert form.status_code == 200

    response = client.post(
        "/staf/admin/core/trainingrecord/add/",
        {"user": operator_pupr.pk, "kind": TrainingKind.BIMTEK, "title": "Bimtek Balai angkatan I",
         "date": "2026-03-05", "organiser": "Diskominfo Kota Bitung", "notes": ""},
    )  # fmt: skip

    assert response.status_code == 302
    (record,) = TrainingRecord.objects.all()
    assert (record.user, record.recorded_by, record.organiser) == (operator_pupr, sysadmin, "Diskominfo Kota Bitung")
    assert AuditEvent.objects.filter(action="trainingrecord.create", actor=sysadmin).count() == 1
    listing = text(client.get("/staf/admin/core/trainingrecord/?opd=dinas-pupr"))
    assert "Bimtek Balai angkatan I" in listing
    assert "Bimtek Balai angkatan I" not in text(client.get("/staf/admin/core/trainingrecord/?opd=dinkes"))


def test_my_work_points_an_untrained_operator_to_the_guide_until_they_have_a_training(city, operator_pupr, coordinator):
    client = client_for(operator_pupr)
    nudge = "No training is recorded for you yet."
    assert nudge in text(client.get("/staf/"))
    assert 'href="/staf/panduan/"' in text(client.get("/staf/"))

    client.post(GUIDE, {"read": "on"})

    assert nudge not in text(client.get("/staf/"))
    assert nudge not in text(client_for(coordinator).get("/staf/"))
