"""Two people working on the same report: the second to send does not overwrite the first, and loses nothing typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.core.models import Role
from balai.core.services import membership_grant
from balai.lapor import services
from balai.lapor.models import EventKind, Report, ReportEvent, Status
from balai.lapor.services import StaleVersionError
from tests.factories import make_report

from .steps import client_for, dispatched, form_version, fresh, post_action, text, unit

pytestmark = pytest.mark.django_db

STALE = "Someone else changed this report while you were working on it."


@pytest.fixture
def second_coordinator(city: Any) -> Any:
    user = get_user_model().objects.create_user("koordinator.dua", "dua@demo.balai.local", "x", first_name="Dua")
    membership_grant(actor=None, user=user, unit=unit("diskominfo"), role=Role.KOORDINATOR)
    return user


def _open(client: Any, report: Report, action: str) -> int:
    """The person opens the report page; the version their form for `action` will send."""
    page = client.get(f"/staf/laporan/{report.code}/")
    assert page.status_code == 200
    return form_version(page, action)


def test_the_second_coordinator_to_send_gets_409_and_keeps_the_question_they_typed(
    city, coordinator, second_coordinator
):
    report = make_report()
    rina, dua = client_for(coordinator), client_for(second_coordinator)
    rina_version, dua_version = _open(rina, report, "verify"), _open(dua, report, "clarify")
    assert rina_version == dua_version

    first = post_action(
        rina,
        report,
        "verify",
        {"kind": "pengaduan", "category": report.category_id, "weight": "ringan",
         "public_title": "Jalan berlubang di Girian Bawah"},
        version=rina_version,
    )  # fmt: skip
    second = post_action(
        dua, report, "clarify", {"question": "Di depan rumah nomor berapa, Bapak/Ibu?"}, version=dua_version
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = text(second)
    assert STALE in page
    assert "Di depan rumah nomor berapa, Bapak/Ibu?" in page, "what they typed is still in the form"
    report = fresh(report)
    assert report.status == Status.DIVERIFIKASI, "the first change stands"
    assert report.public_title == "Jalan berlubang di Girian Bawah"
    assert report.paused_at is None
    assert not report.events.filter(to_status=Status.DITUNDA).exists()


def test_an_operators_public_response_is_not_published_over_a_change_they_did_not_see(city, coordinator, operator_pupr):
    report = dispatched(make_report(), coordinator)
    operator, rina = client_for(operator_pupr), client_for(coordinator)
    seen_by_operator = _open(operator, report, "respond")
    seen_by_coordinator = _open(rina, report, "note")

    note = post_action(rina, report, "note", {"text": "Ini dekat sekolah, prioritaskan."}, version=seen_by_coordinator)
    response = post_action(
        operator, report, "respond", {"text": "Tim kami menjadwalkan perbaikan minggu depan."}, version=seen_by_operator
    )

    assert note.status_code == 302
    assert response.status_code == 409
    page = text(response)
    assert STALE in page
    assert "Tim kami menjadwalkan perbaikan minggu depan." in page
    assert "Ini dekat sekolah, prioritaskan." in page, "the page shows what changed meanwhile"
    assert not ReportEvent.objects.filter(report=report, kind=EventKind.RESPONSE).exists()


def test_after_the_409_the_kept_form_can_be_sent_again_and_then_it_applies(city, coordinator, operator_pupr):
    report = dispatched(make_report(), coordinator)
    operator = client_for(operator_pupr)
    seen = _open(operator, report, "respond")
    services.report_add_note(report=report, actor=coordinator, version=None, text="Cek dulu.", public=False)

    refused = post_action(operator, report, "respond", {"text": "Perbaikan minggu depan."}, version=seen)
    assert refused.status_code == 409
    again = form_version(refused, "respond")
    assert again == fresh(report).version, "the kept form names the version now on screen"
    resent = post_action(operator, report, "respond", {"text": "Perbaikan minggu depan."}, version=again)

    assert resent.status_code == 302
    assert ReportEvent.objects.get(report=report, kind=EventKind.RESPONSE).note == "Perbaikan minggu depan."


def test_two_coordinators_verifying_at_once_the_second_is_told_and_keeps_their_public_title(
    city, coordinator, second_coordinator
):
    report = make_report()
    rina, dua = client_for(coordinator), client_for(second_coordinator)
    seen = _open(rina, report, "verify")
    assert _open(dua, report, "verify") == seen
    form = {"kind": "pengaduan", "category": report.category_id, "weight": "normatif",
            "lead_unit": unit("dinas-pupr").pk}  # fmt: skip

    first = post_action(rina, report, "verify", {**form, "public_title": "Jalan rusak Girian"}, version=seen)
    second = post_action(dua, report, "verify", {**form, "public_title": "Aspal mengelupas di Girian"}, version=seen)

    assert first.status_code == 302
    assert second.status_code == 409
    page = text(second)
    assert "This action is not possible for this report now (it may have changed meanwhile)." in page
    assert "Aspal mengelupas di Girian" in page
    report = fresh(report)
    assert (report.status, report.public_title) == (Status.DIDISPOSISIKAN, "Jalan rusak Girian")
    assert report.events.filter(to_status=Status.DIDISPOSISIKAN).count() == 1


def test_the_service_refuses_a_version_that_is_no_longer_current(city, coordinator, operator_pupr):
    report = dispatched(make_report(), coordinator)
    seen = fresh(report).version
    services.report_accept(report=report, actor=operator_pupr, version=seen)

    with pytest.raises(StaleVersionError):
        services.report_return(report=report, actor=operator_pupr, version=seen, reason="Bukan kami.")

    report = fresh(report)
    assert (report.status, report.lead_unit) == (Status.DIPROSES, unit("dinas-pupr"))
    assert report.version == seen + 1
