"""Duplicates are suggested and merged so every reporter stays informed; obvious cases are handled in bulk."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from balai.core.models import AuditEvent
from balai.lapor import services
from balai.lapor.models import ArchiveReason, Category, EventKind, Report, Status, Weight
from tests.factories import make_report

from .steps import client_for, dispatched, fresh, in_progress, post_action, run_worker, text, unit, verified

pytestmark = pytest.mark.django_db

# Near Pasar Winenet, Kota Bitung.
LAT, LNG = Decimal("1.441000"), Decimal("125.182000")


def _near(dlat: str = "0", dlng: str = "0", **kwargs: Any) -> Report:
    return make_report(latitude=LAT + Decimal(dlat), longitude=LNG + Decimal(dlng), **kwargs)


def test_likely_duplicates_are_suggested_on_the_coordinators_report_page(city, coordinator):
    report = _near(title="Jalan berlubang depan Pasar Winenet")
    close = _near("0.002", "-0.001", title="Lubang besar di jalan pasar")
    far = _near("0.05", title="Jalan rusak di ujung kota")
    other_category = _near("0.001", category=Category.objects.get(slug="lampu-jalan"), title="Lampu pasar mati")
    closed = _near("0.001", title="Jalan pasar rusak (arsip)")
    services.report_archive(report=closed, actor=coordinator, version=None, reason=ArchiveReason.TOO_GENERAL)

    page = text(client_for(coordinator).get(f"/staf/laporan/{report.code}/"))

    assert "Possible duplicates" in page
    assert close.code in page
    for unrelated in (far, other_category, closed):
        assert unrelated.code not in page


def test_merging_archives_the_duplicate_pointing_to_the_report_that_is_followed(city, coordinator):
    target = _near(title="Jalan berlubang depan Pasar Winenet")
    duplicate = _near("0.001", title="Lubang di jalan pasar")

    response = post_action(client_for(coordinator), duplicate, "merge", {"target": target.code.lower()})

    assert response.status_code == 302
    duplicate = fresh(duplicate)
    assert duplicate.status == Status.DIARSIPKAN
    assert (duplicate.archive_reason, duplicate.merged_into) == (ArchiveReason.DUPLICATE, target)
    closing = duplicate.events.get(to_status=Status.DIARSIPKAN)
    assert f"Merged into report {target.code}" in closing.text and closing.is_public
    assert fresh(target).status == Status.DITERIMA, "the report that is followed is not touched"
    assert target.events.filter(kind=EventKind.NOTE, code="merged_from", params__code=duplicate.code).exists()
    audit = AuditEvent.objects.get(action="report.archive", object_id=duplicate.code)
    assert audit.changes["merged_into"] == target.code
    staff_page = text(client_for(coordinator).get(f"/staf/laporan/{duplicate.code}/"))
    assert f"/staf/laporan/{target.code}/" in staff_page


@pytest.mark.django_db(transaction=True)
def test_a_public_change_on_the_merged_report_emails_both_reporters_each_with_their_own_link(
    city, coordinator, operator_pupr
):
    target = _near(reporter_email="pertama@example.id")
    duplicate = _near("0.001", reporter_email="kedua@example.id")
    services.report_merge(duplicate=duplicate, target=target, actor=coordinator, version=None)
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["kedua@example.id", "kedua@example.id", "pertama@example.id"]
    mail.outbox.clear()

    dispatched(target, coordinator)
    run_worker()

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"pertama@example.id", "kedua@example.id", "operator.pupr@demo.balai.local"}
    first, second = by_address["pertama@example.id"], by_address["kedua@example.id"]
    assert target.code in first.subject and target.code in second.subject
    duplicate = fresh(duplicate)
    assert f"/lacak/{target.code}/{target.reporter_token}/" in first.body
    assert f"/lacak/{duplicate.code}/{duplicate.reporter_token}/" in second.body
    assert target.reporter_token not in second.body, "nobody gets the other reporter's private link"


# Bulk actions from the inbox.


def _bulk(client: Any, codes: list[str], action: str, lead_unit: Any = "") -> Any:
    return client.post("/staf/laporan/massal/", {"codes": codes, "action": action, "lead_unit": lead_unit})


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bulk_archive_as_spam(city, coordinator):
    spam = [make_report(title="Jual obat kuat murah hubungi kami") for _ in range(3)]
    keep = make_report()

    response = _bulk(client_for(coordinator), [r.code for r in spam], "archive_spam")

    assert response.status_code == 302 and response.url == "/staf/laporan/"
    for report in spam:
        report = fresh(report)
        assert (report.status, report.archive_reason) == (Status.DIARSIPKAN, ArchiveReason.SPAM)
    assert fresh(keep).status == Status.DITERIMA
    assert AuditEvent.objects.filter(action="report.archive").count() == 3
    assert any("Done for 3 reports" in m for m in _messages(response))


def test_bulk_verify_and_dispatch_sends_received_and_verified_reports_to_one_opd(city, coordinator, operator_pupr):
    received = make_report(title="Jalan berlubang di Jl. Garuda")
    waiting = verified(make_report(), coordinator, weight=Weight.RINGAN)
    busy = in_progress(make_report(), coordinator, operator_pupr)

    response = _bulk(
        client_for(coordinator), [received.code, waiting.code, busy.code], "dispatch", unit("dinas-pupr").pk
    )

    assert response.status_code == 302
    for report in (received, waiting):
        report = fresh(report)
        assert (report.status, report.lead_unit) == (Status.DIDISPOSISIKAN, unit("dinas-pupr"))
        assert report.due_at is not None
    received = fresh(received)
    assert received.public_title == "Jalan berlubang di Jl. Garuda"
    assert received.weight == received.category.default_weight
    assert fresh(busy).status == Status.DIPROSES, "a report already in progress is left alone"
    messages = _messages(response)
    assert any(busy.code in m and "cannot" in m for m in messages), messages
    assert any("Done for 2 reports" in m for m in messages)
    assert received.code in text(client_for(operator_pupr).get("/staf/laporan/"))


def test_bulk_dispatch_without_an_opd_is_refused_and_changes_nothing(city, coordinator):
    report = make_report()

    response = _bulk(client_for(coordinator), [report.code], "dispatch")

    assert response.status_code == 302
    assert any("Choose the OPD to dispatch to." in m for m in _messages(response))
    assert fresh(report).status == Status.DITERIMA


def test_bulk_actions_are_for_coordinators_only(city, operator_pupr, coordinator):
    report = dispatched(make_report(), coordinator)

    response = _bulk(client_for(operator_pupr), [report.code], "archive_spam")

    assert response.status_code == 403
    assert fresh(report).status == Status.DIDISPOSISIKAN


@pytest.mark.django_db(transaction=True)
def test_archiving_as_spam_sends_the_reporter_no_email_while_another_reason_does(city, coordinator):
    spam = make_report(reporter_email="spammer@example.id")
    vague = make_report(reporter_email="warga@example.id")
    run_worker()
    mail.outbox.clear()

    _bulk(client_for(coordinator), [spam.code], "archive_spam")
    post_action(client_for(coordinator), vague, "archive", {"reason": ArchiveReason.TOO_GENERAL, "note": ""})
    run_worker()

    assert [m.to for m in mail.outbox] == [["warga@example.id"]]
    assert fresh(spam).status == fresh(vague).status == Status.DIARSIPKAN
