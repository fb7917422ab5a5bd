"""The quarterly realisation: the officer saves and sends, Bappeda accepts or returns; audit, mail, versions,
and refusals (another OPD, a wrong state, bad numbers) that leave nothing half-saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from balai.core.access import staff_scope
from balai.core.models import AuditEvent
from balai.kinerja.models import Realisation, RealisationStatus
from balai.kinerja.services import (
    ActionError,
    RealisationInput,
    StaleVersionError,
    evidence_add,
    realisation_accept,
    realisation_return,
    realisation_save,
)
from tests.lapor.backoffice.steps import pdf_bytes, photo_upload, upload

from .conftest import DRAIN, ROAD, sub

pytestmark = pytest.mark.django_db


def _data(
    activity: Any, physical: str = "40", financial: int = 500_000_000, achieved: str | None = "4"
) -> RealisationInput:
    indicator = activity.indicators.get()
    return RealisationInput(
        physical_pct=Decimal(physical),
        financial=Decimal(financial),
        obstacles="Hujan",
        follow_up="Lembur",
        values={indicator.pk: None if achieved is None else Decimal(achieved)},
    )


def test_officer_sends_and_bappeda_accepts_with_audit_and_mail(
    plan: Any, officer_pupr: Any, bappeda: Any, django_capture_on_commit_callbacks: Any
) -> None:
    road = sub(ROAD)
    saved = realisation_save(
        actor=officer_pupr, scope=staff_scope(officer_pupr), activity=road, quarter=1, data=_data(road), version=None
    )
    assert saved.status == RealisationStatus.DRAFT
    assert saved.achievement == Decimal("40.0")  # 4 of 10 km
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = realisation_save(
            actor=officer_pupr, scope=staff_scope(officer_pupr), activity=road, quarter=1, data=_data(road),
            version=saved.version, submit=True,
        )  # fmt: skip
    assert sent.status == RealisationStatus.SUBMITTED
    assert [m.to for m in mail.outbox] == [["bappeda.t@pemda.example.id"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = realisation_accept(actor=bappeda, scope=staff_scope(bappeda), realisation=sent, version=sent.version)
    assert accepted.status == RealisationStatus.ACCEPTED
    assert [m.to for m in mail.outbox] == [["perencana.pupr.t@pemda.example.id"]]
    actions = list(AuditEvent.objects.filter(object_type="kinerja.realisation").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        [
            "kinerja.realisation.save",
            "kinerja.realisation.save",
            "kinerja.realisation.submit",
            "kinerja.realisation.accept",
        ]
    )


def test_bappeda_returns_with_a_note_and_the_officer_corrects(
    plan: Any, officer_pupr: Any, bappeda: Any, django_capture_on_commit_callbacks: Any
) -> None:
    road = sub(ROAD)
    scope = staff_scope(officer_pupr)
    sent = realisation_save(
        actor=officer_pupr, scope=scope, activity=road, quarter=2, data=_data(road), version=None, submit=True
    )
    with pytest.raises(ActionError):
        realisation_return(actor=bappeda, scope=staff_scope(bappeda), realisation=sent, version=sent.version, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        returned = realisation_return(
            actor=bappeda, scope=staff_scope(bappeda), realisation=sent, version=sent.version, note="Foto bukti kurang"
        )
    assert returned.status == RealisationStatus.RETURNED
    assert "Foto bukti kurang" in mail.outbox[-1].body
    again = realisation_save(
        actor=officer_pupr, scope=scope, activity=road, quarter=2, data=_data(road, physical="45"),
        version=returned.version, submit=True,
    )  # fmt: skip
    assert again.status == RealisationStatus.SUBMITTED
    assert again.physical_pct == Decimal(45)


def test_an_officer_cannot_touch_another_opds_sub_kegiatan(plan: Any, officer_dinkes: Any) -> None:
    road = sub(ROAD)
    with pytest.raises(ActionError):
        realisation_save(
            actor=officer_dinkes,
            scope=staff_scope(officer_dinkes),
            activity=road,
            quarter=1,
            data=_data(road),
            version=None,
        )
    assert not Realisation.objects.exists()


def test_bappeda_cannot_enter_and_an_officer_cannot_accept(plan: Any, officer_pupr: Any, bappeda: Any) -> None:
    road = sub(ROAD)
    with pytest.raises(ActionError):
        realisation_save(
            actor=bappeda, scope=staff_scope(bappeda), activity=road, quarter=1, data=_data(road), version=None
        )
    sent = realisation_save(
        actor=officer_pupr,
        scope=staff_scope(officer_pupr),
        activity=road,
        quarter=1,
        data=_data(road),
        version=None,
        submit=True,
    )
    with pytest.raises(ActionError):
        realisation_accept(actor=officer_pupr, scope=staff_scope(officer_pupr), realisation=sent, version=sent.version)
    with pytest.raises(ActionError):  # sent: no more edits until Bappeda returns it
        realisation_save(
            actor=officer_pupr,
            scope=staff_scope(officer_pupr),
            activity=road,
            quarter=1,
            data=_data(road),
            version=sent.version,
        )


def test_a_stale_version_is_refused_and_nothing_changes(plan: Any, officer_pupr: Any) -> None:
    road = sub(ROAD)
    scope = staff_scope(officer_pupr)
    first = realisation_save(actor=officer_pupr, scope=scope, activity=road, quarter=1, data=_data(road), version=None)
    realisation_save(
        actor=officer_pupr, scope=scope, activity=road, quarter=1, data=_data(road, "50"), version=first.version
    )
    with pytest.raises(StaleVersionError):
        realisation_save(
            actor=officer_pupr, scope=scope, activity=road, quarter=1, data=_data(road, "10"), version=first.version
        )
    assert Realisation.objects.get().physical_pct == Decimal(50)


@pytest.mark.parametrize(
    ("physical", "financial", "achieved"),
    [("101", 1, "1"), ("50", 2_000_000_000, "1"), ("50", 1, "-1")],
    ids=["physical-over-100", "over-the-pagu", "negative-value"],
)
def test_bad_numbers_are_refused_and_nothing_is_saved(
    plan: Any, officer_pupr: Any, physical: str, financial: int, achieved: str
) -> None:
    road = sub(ROAD)
    with pytest.raises(ActionError):
        realisation_save(
            actor=officer_pupr, scope=staff_scope(officer_pupr), activity=road, quarter=1,
            data=_data(road, physical, financial, achieved), version=None,
        )  # fmt: skip
    assert not Realisation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="kinerja.realisation").exists()


def test_lower_is_better_indicator_is_scored_the_lkjip_way(plan: Any, officer_pupr: Any) -> None:
    drain = sub(DRAIN)  # target: 4 days of flooding
    saved = realisation_save(
        actor=officer_pupr,
        scope=staff_scope(officer_pupr),
        activity=drain,
        quarter=1,
        data=_data(drain, achieved="5"),
        version=None,
    )
    assert saved.achievement == Decimal("75.0")  # (2×4 − 5) ÷ 4 × 100


def test_evidence_photos_are_reencoded_and_documents_checked_by_content(plan: Any, officer_pupr: Any) -> None:
    road = sub(ROAD)
    scope = staff_scope(officer_pupr)
    saved = realisation_save(actor=officer_pupr, scope=scope, activity=road, quarter=1, data=_data(road), version=None)
    photo = evidence_add(actor=officer_pupr, scope=scope, realisation=saved, upload=photo_upload())
    document = evidence_add(
        actor=officer_pupr, scope=scope, realisation=saved, upload=upload("ba.pdf", pdf_bytes(), "application/pdf")
    )
    assert photo.is_photo and photo.file.name.endswith(".jpg")
    assert photo.file.read(3) == b"\xff\xd8\xff"
    assert not document.is_photo and document.file.name.endswith(".pdf")
    with pytest.raises(ActionError):
        evidence_add(
            actor=officer_pupr, scope=scope, realisation=saved, upload=upload("x.jpg", b"not an image", "image/jpeg")
        )
    assert saved.evidence.count() == 2
