"""Tables Balai makes itself: whatever `registry.datasets()` gives is listed and refreshed when its frequency makes
it due, with no code per module; the reporting module's table counts public reports only."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from balai.core.registry import DatasetColumn, GeneratedDataset, Module, registry
from balai.data import services
from balai.data.models import Dataset
from balai.lapor.models import Category
from balai.lapor.open_data import reports_per_month_rows
from tests.factories import kelurahan, make_report

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


def _rows() -> list[tuple[str, int]]:
    CALLS.append(1)
    return [("dinkes", 4), ("dinas-pupr", len(CALLS))]


TEST_MODULE = Module(
    label="contoh",
    name="Modul contoh",
    datasets=lambda: [
        GeneratedDataset(
            key="contoh-halaman",
            title="Halaman per unit",
            description="Berapa halaman yang dikelola setiap unit.",
            columns=(DatasetColumn("unit", "Unit"), DatasetColumn("halaman", "Halaman", "Jumlah halaman", "integer")),
            rows=_rows,
            unit_slug="dinkes",
            frequency="weekly",
            tags=("situs",),
        )
    ],
)


@pytest.fixture
def example_module() -> Any:
    CALLS.clear()
    registry.register(TEST_MODULE)
    yield TEST_MODULE
    registry.unregister("contoh")


def _csv(dataset: Dataset) -> list[list[str]]:
    resource = dataset.resources.get(format="CSV")
    return list(csv.reader(io.StringIO(resource.file.read().decode("utf-8-sig"))))


def test_a_modules_table_becomes_a_published_dataset_in_three_formats(city: Any, example_module: Any) -> None:
    services.generated_sync(timezone.now(), only={"contoh-halaman"})
    dataset = Dataset.objects.get(generated_key="contoh-halaman")
    assert (dataset.state, dataset.unit.slug, dataset.frequency) == ("published", "dinkes", "weekly")
    assert sorted(dataset.resources.values_list("format", flat=True)) == ["CSV", "JSON", "XLSX"]
    assert _csv(dataset) == [["unit", "halaman"], ["dinkes", "4"], ["dinas-pupr", "1"]]
    as_json = json.loads(dataset.resources.get(format="JSON").file.read())
    assert as_json == [{"unit": "dinkes", "halaman": 4}, {"unit": "dinas-pupr", "halaman": 1}]
    assert dataset.resources.get(format="CSV").dictionary[1] == {
        "name": "halaman", "title": "Halaman", "type": "integer", "description": "Jumlah halaman",
    }  # fmt: skip
    assert list(dataset.tags.values_list("name", flat=True)) == ["situs"]


def test_a_table_is_refreshed_only_when_its_frequency_makes_it_due(city: Any, example_module: Any) -> None:
    start = timezone.now()
    services.generated_sync(start, only={"contoh-halaman"})
    assert services.generated_sync(start + timedelta(days=6), only={"contoh-halaman"}) == {"datasets_refreshed": 0}
    assert len(CALLS) == 1
    with time_machine.travel(start + timedelta(days=7, minutes=1)):
        done = services.generated_sync(timezone.now(), only={"contoh-halaman"})
    assert done == {"datasets_refreshed": 1}
    dataset = Dataset.objects.get(generated_key="contoh-halaman")
    assert _csv(dataset)[2] == ["dinas-pupr", "2"]
    assert dataset.resources.count() == 3


def test_every_module_table_is_listed_without_code_per_module(city: Any, example_module: Any) -> None:
    keys = {spec.key for _module, spec in registry.datasets()}
    assert {"contoh-halaman", "lapor-laporan-bulanan", "data-wilayah", "dasbor-bulanan-opd"} <= keys
    services.generated_sync(timezone.now())
    assert set(Dataset.objects.exclude(generated_key="").values_list("generated_key", flat=True)) == keys


def test_the_report_table_counts_public_reports_per_month_category_and_kecamatan(publish_on_arrival: Any) -> None:
    girian = kelurahan("Girian Bawah")
    make_report()
    make_report()
    banjir = Category.objects.get(slug="banjir")
    make_report(category=banjir)
    make_report(is_confidential=True, title="Rahasia: pungutan liar")
    month = timezone.localdate().strftime("%Y-%m")
    kecamatan = (girian.parent_id, girian.parent.name)
    assert sorted(reports_per_month_rows()) == sorted([
        (month, banjir.name, *kecamatan, 1, 0),
        (month, "Jalan rusak", *kecamatan, 2, 0),
    ])  # fmt: skip


def test_the_wilayah_list_is_the_pemdas_own(city: Any) -> None:
    services.generated_sync(timezone.now(), only={"data-wilayah"})
    rows = _csv(Dataset.objects.get(generated_key="data-wilayah"))
    assert rows[0] == ["kode", "nama", "tingkat", "kode_induk"]
    assert all(row[0].startswith("71.72") for row in rows[1:])
    assert ["71.72.01", "Lembeh Selatan", "3", "71.72"] in rows


def test_a_generated_dataset_cannot_be_changed_by_hand(city: Any, walidata: Any) -> None:
    from balai.core.access import staff_scope
    from balai.data.rules import Action

    services.generated_sync(timezone.now(), only={"data-wilayah"})
    dataset = Dataset.objects.get(generated_key="data-wilayah")
    with pytest.raises(services.DataError):
        services.dataset_transition(
            actor=walidata, scope=staff_scope(walidata), dataset=dataset, action=Action.UNPUBLISH, version=None
        )
