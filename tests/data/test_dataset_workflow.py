"""A dataset's way through the one write path: a data officer drafts and uploads, sends it to the walidata, who
publishes it or returns it with a note; each step is audited, mailed through the outbox, and refused when the
allowed-actions table says no (with nothing half-saved)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from balai.core.access import staff_scope
from balai.core.models import AuditEvent, OutgoingMail
from balai.data import services
from balai.data.files import write_csv
from balai.data.models import Dataset, Resource
from balai.data.rules import Action

from .conftest import CSV_COLUMNS, CSV_ROWS, DICTIONARY, dataset_input, draft_with_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _audit(dataset: Dataset) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="data.dataset", object_id=str(dataset.uuid))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _do(user: Any, dataset: Dataset, action: Action, note: str = "", version: int | None = None) -> Dataset:
    return services.dataset_transition(
        actor=user, scope=staff_scope(user), dataset=dataset, action=action, version=version, note=note
    )


def test_the_officer_sends_and_the_walidata_publishes(officer_dinkes: Any, walidata: Any) -> None:
    dataset = draft_with_file(officer_dinkes)
    _do(officer_dinkes, dataset, Action.SUBMIT)
    to_walidata = OutgoingMail.objects.get(kind="data.submitted")
    assert to_walidata.to == walidata.email and dataset.title in to_walidata.subject
    published = _do(walidata, dataset, Action.PUBLISH)
    assert published.state == "published" and published.published_at is not None
    assert OutgoingMail.objects.get(kind="data.published").to == officer_dinkes.email
    assert _audit(dataset) == [
        "data.dataset.create", "data.resource.add", "data.dataset.submit", "data.dataset.publish",
    ]  # fmt: skip


def test_returning_needs_a_note_and_mails_it_to_the_opd(officer_dinkes: Any, walidata: Any) -> None:
    dataset = _do(officer_dinkes, draft_with_file(officer_dinkes), Action.SUBMIT)
    with pytest.raises(services.DataError, match="Say what the OPD must change"):
        _do(walidata, dataset, Action.RETURN)
    returned = _do(walidata, dataset, Action.RETURN, note="Tambahkan tahun pada judul.")
    assert returned.state == "draft" and returned.review_note == "Tambahkan tahun pada judul."
    assert "Tambahkan tahun pada judul." in OutgoingMail.objects.get(kind="data.returned").body


def test_an_officer_cannot_publish_or_touch_another_opds_dataset(officer_dinkes: Any, officer_pupr: Any) -> None:
    dataset = draft_with_file(officer_dinkes)
    with pytest.raises(services.DataError, match="do not have the role"):
        _do(officer_pupr, dataset, Action.SUBMIT)
    _do(officer_dinkes, dataset, Action.SUBMIT)
    with pytest.raises(services.DataError, match="do not have the role"):
        _do(officer_dinkes, dataset, Action.PUBLISH)
    with pytest.raises(services.DataError, match="your own OPD"):
        services.dataset_create(actor=officer_pupr, scope=staff_scope(officer_pupr), data=dataset_input("dinkes"))
    assert Dataset.objects.get(pk=dataset.pk).state == "submitted"


def test_a_stale_version_is_refused(officer_dinkes: Any) -> None:
    dataset = draft_with_file(officer_dinkes)
    seen = dataset.version
    services.dataset_update(
        actor=officer_dinkes, scope=staff_scope(officer_dinkes), dataset=dataset,
        data=dataset_input(title="Puskesmas 2025"), version=seen,
    )  # fmt: skip
    with pytest.raises(services.VersionConflictError):
        _do(officer_dinkes, dataset, Action.SUBMIT, version=seen)
    assert Dataset.objects.get(pk=dataset.pk).state == "draft"


def test_nothing_can_be_sent_without_a_file(officer_dinkes: Any) -> None:
    dataset = services.dataset_create(actor=officer_dinkes, scope=staff_scope(officer_dinkes), data=dataset_input())
    with pytest.raises(services.DataError, match="Upload at least one file"):
        _do(officer_dinkes, dataset, Action.SUBMIT)
    assert not mail.outbox and not OutgoingMail.objects.exists()


def test_every_column_needs_its_meaning_and_a_refused_file_leaves_nothing(officer_dinkes: Any) -> None:
    dataset = services.dataset_create(actor=officer_dinkes, scope=staff_scope(officer_dinkes), data=dataset_input())
    partial = {k: v for k, v in DICTIONARY.items() if k != "puskesmas"}
    with pytest.raises(services.DataError, match="Missing: puskesmas"):
        services.resource_add(
            actor=officer_dinkes, scope=staff_scope(officer_dinkes), dataset=dataset,
            content=write_csv(CSV_COLUMNS, CSV_ROWS), filename="p.csv", name="", description="",
            dictionary=partial, version=None,
        )  # fmt: skip
    with pytest.raises(services.DataError, match="not UTF-8"):
        services.resource_add(
            actor=officer_dinkes, scope=staff_scope(officer_dinkes), dataset=dataset,
            content="kode,jumlah\n".encode("utf-16"), filename="p.csv", name="", description="",
            dictionary=DICTIONARY, version=None,
        )  # fmt: skip
    assert not Resource.objects.exists()
    assert _audit(dataset) == ["data.dataset.create"]


def test_the_uploaded_file_keeps_its_dictionary_and_preview(officer_dinkes: Any) -> None:
    resource = draft_with_file(officer_dinkes).resources.get()
    assert resource.format == "CSV" and resource.row_count == 2
    assert [c["description"] for c in resource.dictionary] == list(DICTIONARY.values())
    assert resource.preview == {
        "columns": CSV_COLUMNS,
        "rows": [["71.72.01", "Lembeh Selatan", "2"], ["71.72.02", "Madidir", "3"]],
    }
    assert resource.file.read().decode("utf-8-sig").startswith("kode_kecamatan,kecamatan,puskesmas")


def test_the_walidata_withdraws_a_published_dataset(officer_dinkes: Any, walidata: Any) -> None:
    dataset = _do(walidata, draft_with_file(officer_dinkes), Action.PUBLISH)
    withdrawn = _do(walidata, dataset, Action.UNPUBLISH)
    assert withdrawn.state == "draft"
    assert OutgoingMail.objects.filter(kind="data.unpublished", to=officer_dinkes.email).exists()
