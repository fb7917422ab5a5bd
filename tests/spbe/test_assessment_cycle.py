"""draft → submitted → reviewed (or returned): each step through the services, asked of the allowed-actions table,
audited, checked against the version the person saw, and mailed through the outbox."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from balai.core.models import AuditEvent, OutgoingMail
from balai.spbe import rules, services
from balai.spbe.models import EvidenceKind, Status

from .conftest import assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    # The services answer in the person's language; these tests read the English messages.
    with translation.override("en"):
        yield


@pytest.fixture
def assigned(framework, spbe_coordinator, officer):
    return services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, 42), version=None,
                                      officer=officer)  # fmt: skip


def _audit(a) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="spbe.assessment", object_id=str(a.pk))
                .order_by("id").values_list("action", flat=True))  # fmt: skip


def test_the_officer_fills_and_submits_and_the_coordinator_reviews(assigned, officer, spbe_coordinator,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    a = services.assessment_save(actor=officer, assessment=assigned, version=assigned.version, level=3,
                                 justification="SOP pengaduan dan kanal web, email, API.")  # fmt: skip
    assert (a.status, a.level) == (Status.DRAFT, 3)
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assessment_submit(actor=officer, assessment=a, version=a.version)
    assert a.status == Status.SUBMITTED and a.submitted_at is not None
    assert [m.to for m in mail.outbox[-1:]] == [["koord.spbe@example.id"]]
    assert "42" in mail.outbox[-1].subject
    assert OutgoingMail.objects.filter(kind="spbe.submitted", to="koord.spbe@example.id").exists()
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assessment_review(actor=spbe_coordinator, assessment=a, version=a.version)
    assert a.status == Status.REVIEWED and a.reviewed_by == spbe_coordinator
    assert mail.outbox[-1].to == ["petugas.pupr@example.id"]
    assert _audit(a) == ["spbe.assign", "spbe.save", "spbe.submit", "spbe.review"]


def test_the_coordinator_returns_with_a_reason_and_the_officer_may_change_again(assigned, officer, spbe_coordinator):
    a = services.assessment_save(actor=officer, assessment=assigned, version=None, level=4, justification="Ada.")
    a = services.assessment_submit(actor=officer, assessment=a, version=None)
    with pytest.raises(services.ActionError, match="change"):
        services.assessment_return(actor=spbe_coordinator, assessment=a, version=None, note="  ")
    a = services.assessment_return(actor=spbe_coordinator, assessment=a, version=None, note="Lampirkan SOP.")
    assert (a.status, a.review_note) == (Status.RETURNED, "Lampirkan SOP.")
    a = services.assessment_save(actor=officer, assessment=a, version=None, level=3, justification="Ada SOP.")
    assert a.level == 3


def test_a_reviewed_level_can_be_returned_and_stops_counting(assigned, officer, spbe_coordinator):
    a = services.assessment_save(actor=officer, assessment=assigned, version=None, level=4, justification="Ada.")
    a = services.assessment_submit(actor=officer, assessment=a, version=None)
    a = services.assessment_review(actor=spbe_coordinator, assessment=a, version=None)
    a = services.assessment_return(actor=spbe_coordinator, assessment=a, version=None, note="Salah baca kriteria.")
    assert a.status == Status.RETURNED and a.reviewed_by is None


def test_submitting_needs_a_level_and_a_justification(assigned, officer):
    with pytest.raises(services.ActionError, match="justification"):
        services.assessment_submit(actor=officer, assessment=assigned, version=None)
    assert assessment(assigned.indicator.framework, 42).status == Status.DRAFT


def test_only_the_coordinator_reviews_and_only_the_assigned_officer_fills(assigned, officer, other_officer):
    a = services.assessment_save(actor=officer, assessment=assigned, version=None, level=2, justification="x")
    a = services.assessment_submit(actor=officer, assessment=a, version=None)
    with pytest.raises(services.ActionError, match="coordinator"):
        services.assessment_review(actor=officer, assessment=a, version=None)
    other = assessment(a.indicator.framework, 43)
    with pytest.raises(services.ActionError, match="officer responsible"):
        services.assessment_save(actor=other_officer, assessment=assigned, version=None, level=1, justification="")
    with pytest.raises(services.ActionError):
        services.assessment_save(actor=officer, assessment=other, version=None, level=1, justification="")


def test_a_submitted_assessment_cannot_be_changed(assigned, officer):
    a = services.assessment_save(actor=officer, assessment=assigned, version=None, level=2, justification="x")
    a = services.assessment_submit(actor=officer, assessment=a, version=None)
    with pytest.raises(services.ActionError, match="submitted for review"):
        services.assessment_save(actor=officer, assessment=a, version=None, level=5, justification="y")
    assert rules.staff_actions(rules_scope(officer), a) == []


def rules_scope(user):
    from balai.core.access import staff_scope

    return staff_scope(user)


def test_a_stale_version_is_refused_and_nothing_is_saved(assigned, officer, spbe_coordinator):
    seen = assigned.version
    services.assessment_save(actor=spbe_coordinator, assessment=assigned, version=seen, level=2, justification="a")
    with pytest.raises(services.StaleVersionError):
        services.assessment_save(actor=officer, assessment=assigned, version=seen, level=5, justification="b")
    current = assessment(assigned.indicator.framework, 42)
    assert (current.level, current.justification) == (2, "a")


def test_the_officer_must_hold_the_role(framework, spbe_coordinator, operator_pupr):
    with pytest.raises(services.ActionError, match="role"):
        services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, 1), version=None,
                                   officer=operator_pupr)  # fmt: skip


def _png() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"
    image.save(out, "PNG", exif=exif)
    return out.getvalue()


def test_evidence_is_a_link_a_pdf_or_a_photo_checked_by_content(assigned, officer):
    link = services.evidence_add(
        actor=officer, assessment=assigned, version=None, title="SK", url="https://jdih.example.go.id/sk"
    )
    assert link.kind == EvidenceKind.LINK
    pdf = SimpleUploadedFile("sop.pdf", b"%PDF-1.4\n% sop\n%%EOF\n", content_type="application/pdf")
    doc = services.evidence_add(actor=officer, assessment=assigned, version=None, title="SOP", upload=pdf)
    assert doc.kind == EvidenceKind.DOCUMENT and doc.file.name.endswith(".pdf")
    shot = SimpleUploadedFile("layar.png", _png(), content_type="image/png")
    photo = services.evidence_add(actor=officer, assessment=assigned, version=None, title="Layar", upload=shot)
    assert photo.kind == EvidenceKind.PHOTO and photo.file.name.endswith(".jpg")
    with photo.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"\xff\xd8") and b"KameraRahasia" not in content
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(services.ActionError, match="neither a PDF nor a photo"):
        services.evidence_add(actor=officer, assessment=assigned, version=None, title="X", upload=fake)
    with pytest.raises(services.ActionError, match="https"):
        services.evidence_add(actor=officer, assessment=assigned, version=None, title="X", url="javascript:alert(1)")
    assert assigned.evidence_items.count() == 3
    services.evidence_remove(actor=officer, item=link, version=None)
    assert assigned.evidence_items.count() == 2
