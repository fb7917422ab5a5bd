"""The open-data cast: the walidata (Diskominfo), a data officer of Dinas Kesehatan and one of Dinas PUPR, on top of
the shared city; and small helpers that build datasets through the real services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.core.services import membership_grant
from balai.data import services
from balai.data.files import write_csv
from balai.data.models import Dataset, Group
from balai.data.rules import OFFICER_ROLE, WALIDATA_ROLE, Action

CSV_COLUMNS = ["kode_kecamatan", "kecamatan", "puskesmas"]
CSV_ROWS = [["71.72.01", "Lembeh Selatan", 2], ["71.72.02", "Madidir", 3]]
DICTIONARY = {
    "kode_kecamatan": "Kode kecamatan Kemendagri",
    "kecamatan": "Nama kecamatan",
    "puskesmas": "Jumlah puskesmas (unit)",
}


def _person(username: str, unit_slug: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.id", "rahasia-123")
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit_slug), role=role, module="data")
    return user


@pytest.fixture
def walidata(city: Any) -> Any:
    return _person("walidata.test", "diskominfo", WALIDATA_ROLE)


@pytest.fixture
def officer_dinkes(city: Any) -> Any:
    return _person("data.dinkes.test", "dinkes", OFFICER_ROLE)


@pytest.fixture
def officer_pupr(city: Any) -> Any:
    return _person("data.pupr.test", "dinas-pupr", OFFICER_ROLE)


def dataset_input(unit_slug: str = "dinkes", title: str = "Jumlah puskesmas per kecamatan", **extra: Any) -> Any:
    values: dict[str, Any] = {
        "title": title,
        "notes": "Banyaknya puskesmas di setiap kecamatan.",
        "unit": Unit.objects.get(slug=unit_slug),
        "steward": "Diskominfo Kota Bitung",
        "license_id": "cc-by",
        "frequency": "yearly",
        "spatial": "Kota Bitung",
        "tags": ["kesehatan", "puskesmas"],
    }
    values.update(extra)
    return services.DatasetInput(**values)


def draft_with_file(officer: Any, **extra: Any) -> Dataset:
    scope = staff_scope(officer)
    dataset = services.dataset_create(actor=officer, scope=scope, data=dataset_input(**extra))
    services.resource_add(
        actor=officer, scope=scope, dataset=dataset, content=write_csv(CSV_COLUMNS, CSV_ROWS),
        filename="puskesmas.csv", name="Puskesmas 2025", description="", dictionary=DICTIONARY, version=None,
    )  # fmt: skip
    return Dataset.objects.get(pk=dataset.pk)


def published_dataset(officer: Any, walidata: Any, **extra: Any) -> Dataset:
    dataset = draft_with_file(officer, **extra)
    services.dataset_transition(
        actor=officer, scope=staff_scope(officer), dataset=dataset, action=Action.SUBMIT, version=None
    )
    services.dataset_transition(
        actor=walidata, scope=staff_scope(walidata), dataset=dataset, action=Action.PUBLISH, version=None
    )
    return Dataset.objects.get(pk=dataset.pk)


def a_group(name: str = "kesehatan", title: str = "Kesehatan") -> Group:
    return Group.objects.create(name=name, title=title)
