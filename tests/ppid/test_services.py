"""Every state change goes through one service, asks the table, writes the audit trail and mails the people."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from balai.core.models import AuditEvent, Unit
from balai.ppid import services
from balai.ppid.models import Decision, InformationRequest, Status

from .conftest import request_input

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The refusals are matched by their English words."""
    from django.utils import translation

    with translation.override("en"):
        yield


def audits(item: InformationRequest) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="ppid.informationrequest", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def granted(**kw: Any) -> services.NoticeInput:
    return services.NoticeInput(decision=Decision.GRANTED, answer="Terlampir.", medium="PDF melalui email", **kw)


def test_a_request_gets_a_register_number_a_code_and_a_private_link_by_email(city: Any, utama: Any) -> None:
    item = services.request_submit(data=request_input())
    second = services.request_submit(data=request_input())

    assert item.code.startswith("PPID-") and len(item.code) == 14
    assert item.register_number.endswith("/PPID/000001") and second.register_number.endswith("/PPID/000002")
    assert item.status == Status.DITERIMA
    to_requester = [m for m in mail.outbox if m.to == ["sinta@example.id"]]
    assert item.token in to_requester[0].body and item.register_number in to_requester[0].body
    assert any(m.to == [utama.email] for m in mail.outbox)
    assert audits(item) == ["ppid.submit"]


def test_the_whole_path_forward_extend_notice_object_answer_is_audited(
    city: Any, utama: Any, pelaksana_pupr: Any, atasan: Any
) -> None:
    item = services.request_submit(data=request_input())
    pupr = Unit.objects.get(slug="dinas-pupr")
    item = services.request_forward(actor=utama, request=item, unit=pupr, version=item.version)
    item = services.request_extend(actor=pelaksana_pupr, request=item, reason="Dokumen di gudang arsip.")
    assert item.due_at == services.extended_due(item.received_at, services.work_calendar())
    with pytest.raises(services.ActionError, match="one extension"):
        services.request_extend(actor=pelaksana_pupr, request=item, reason="lagi")
    item = services.request_notice(actor=pelaksana_pupr, request=item, notice=granted())
    assert item.status == Status.DIJAWAB and item.cost
    services.request_object(request=item, grounds=["d"], reason="Yang diberikan bukan kontraknya.")
    item.refresh_from_db()
    services.objection_answer(actor=atasan, request=item, outcome="diterima", answer="Kontrak diberikan.")
    item.refresh_from_db()

    assert item.status == Status.KEBERATAN_DIJAWAB
    assert audits(item) == ["ppid.submit", "ppid.forward", "ppid.extend", "ppid.notice", "ppid.object",
                            "ppid.objection_answer"]  # fmt: skip
    assert [e.action for e in item.events.all()] == ["submit", "forward", "extend", "notice", "object",
                                                     "objection_answer"]  # fmt: skip


def test_an_opd_pelaksana_cannot_act_on_another_opds_request(city: Any, utama: Any, pelaksana_dinkes: Any) -> None:
    item = services.request_submit(data=request_input())
    item = services.request_forward(actor=utama, request=item, unit=Unit.objects.get(slug="dinas-pupr"))

    with pytest.raises(services.ActionError):
        services.request_notice(actor=pelaksana_dinkes, request=item, notice=granted())
    assert InformationRequest.objects.get(pk=item.pk).status == Status.DITERUSKAN


def test_a_stale_version_is_refused(city: Any, utama: Any) -> None:
    item = services.request_submit(data=request_input())
    with pytest.raises(services.StaleVersionError):
        services.request_forward(actor=utama, request=item, unit=Unit.objects.get(slug="dinkes"), version=99)


def test_a_refusal_needs_the_exemption_and_the_consequence_test(city: Any, utama: Any) -> None:
    item = services.request_submit(data=request_input())
    with pytest.raises(services.ActionError, match="Pasal 17"):
        services.request_notice(actor=utama, request=item,
                                notice=services.NoticeInput(decision=Decision.REFUSED, answer="Tidak."))  # fmt: skip
    assert InformationRequest.objects.get(pk=item.pk).notice_at is None


def test_the_requester_can_object_only_after_the_notice_or_the_missed_deadline(city: Any, utama: Any) -> None:
    item = services.request_submit(data=request_input())
    with pytest.raises(services.ActionError, match="once the notice is given"):
        services.request_object(request=item, grounds=["c"], reason="Belum dijawab")
    later = item.due_at + timedelta(hours=1)
    objection = services.request_object(request=item, grounds=["c"], reason="Tidak dijawab", now=later)
    assert objection.due_at == services.objection_answer_due(later, services.work_calendar())


def test_an_objection_after_thirty_working_days_is_refused(city: Any, utama: Any) -> None:
    item = services.request_submit(data=request_input())
    item = services.request_notice(actor=utama, request=item, notice=granted())
    too_late = services.objection_deadline(item, services.work_calendar()) + timedelta(days=1)
    with pytest.raises(services.ActionError, match="30 working days"):
        services.request_object(request=item, grounds=["e"], reason="x", now=too_late)


def test_reminder_then_the_opd_head_then_the_ppid_utama(
    city: Any, utama: Any, pelaksana_pupr: Any, head_pupr: Any
) -> None:
    head = head_pupr
    item = services.request_submit(data=request_input())
    services.request_forward(actor=utama, request=item, unit=Unit.objects.get(slug="dinas-pupr"))
    item.refresh_from_db()
    calendar = services.work_calendar()
    mail.outbox.clear()
    with time_machine.travel(item.due_at - timedelta(hours=2)):
        assert services.deadlines_check(timezone.now())["reminded"] == 1
    assert [m.to for m in mail.outbox] == [[pelaksana_pupr.email]]
    mail.outbox.clear()
    with time_machine.travel(item.due_at + timedelta(hours=1)):
        assert services.deadlines_check(timezone.now())["escalated"] == 1
        assert services.deadlines_check(timezone.now())["escalated"] == 0  # once per level
    assert [m.to for m in mail.outbox] == [[head.email]]
    mail.outbox.clear()
    with time_machine.travel(calendar.add_working_days(item.due_at, 1) + timedelta(hours=1)):
        assert services.deadlines_check(timezone.now())["escalated"] == 1
    assert [m.to for m in mail.outbox] == [[utama.email]]


def test_identity_is_erased_after_the_retention_period(city: Any, utama: Any) -> None:
    scan = SimpleUploadedFile("ktp.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    item = services.request_submit(data=request_input(identity_scan=scan))
    item = services.request_notice(actor=utama, request=item, notice=granted())
    path = item.identity_scan.path
    with time_machine.travel(item.notice_at + timedelta(days=364)):
        assert services.identity_retention(timezone.now()) == {"identities_erased": 0}
    with time_machine.travel(item.notice_at + timedelta(days=366)):
        assert services.identity_retention(timezone.now()) == {"identities_erased": 1}
    item.refresh_from_db()
    assert (item.identity_number, item.address, item.email, item.phone, item.identity_scan.name) == ("",) * 5
    assert item.name == "Sinta Wowor" and item.identity_erased_at is not None
    import os

    assert not os.path.exists(path)
    assert "ppid.erase_identity" in audits(item)


def test_a_scan_is_checked_by_its_content_not_its_name(city: Any) -> None:
    fake = SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(Exception, match="PDF, JPEG or PNG"):
        services.request_submit(data=request_input(identity_scan=fake))
    assert not InformationRequest.objects.exists()
