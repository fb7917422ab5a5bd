"""What the open-data module gives the platform through the registry, checked against hand-made data: KPIs, the
SPBE evidence for indicator 43, search, readiness backlog, "my work", the overdue reminders, and the demo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone, translation

from balai.core.access import staff_scope
from balai.core.models import OutgoingMail, Unit
from balai.core.registry import DemoContext, registry
from balai.data import services
from balai.data.demo import load
from balai.data.models import Dataset

from .conftest import draft_with_file, published_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _module() -> Any:
    module = registry.get("data")
    assert module is not None
    return module


def _facts(now: Any) -> dict[str, str]:
    [(_m, evidence)] = [(m, e) for m, e in registry.evidence(now) if m.label == "data"]
    assert evidence.indicator == 43 and evidence.url == "/data/" and evidence.as_of == now
    return {str(k): v for k, v in evidence.facts}


def test_kpis_and_evidence_count_published_datasets_formats_and_lateness(officer_dinkes: Any, walidata: Any) -> None:
    now = timezone.now()
    published_dataset(officer_dinkes, walidata, frequency="monthly")
    published_dataset(officer_dinkes, walidata, title="Tabel tak tentu", frequency="irregular")
    draft_with_file(officer_dinkes, title="Masih draf")
    kpis = {k.key: k.value for k in _module().kpis(None, now)}
    assert kpis == {"data.datasets": 2, "data.resources": 2, "data.overdue": 0}
    assert _facts(now)["Datasets published"] == "2"
    assert _facts(now)["Datasets per format"] == "CSV 2"
    assert _facts(now)["Datasets with a promised update frequency"] == "1"
    later = now + timedelta(days=32)
    assert {k.key: k.value for k in _module().kpis(None, later)}["data.overdue"] == 1
    assert (_facts(later)["Of which updated on time"], _facts(later)["Of which late"]) == ("0", "1")
    pupr = frozenset({Unit.objects.get(slug="dinas-pupr").pk})
    assert {k.key: k.value for k in _module().kpis(pupr, now)} == {"data.datasets": 0, "data.resources": 0}


def test_overdue_officers_are_reminded_once_per_period(officer_dinkes: Any, walidata: Any) -> None:
    dataset = published_dataset(officer_dinkes, walidata, frequency="monthly")
    now = timezone.now()
    assert services.reminders_send(now + timedelta(days=30)) == {"data_reminders": 0}
    assert services.reminders_send(now + timedelta(days=32)) == {"data_reminders": 1}
    assert services.reminders_send(now + timedelta(days=40)) == {"data_reminders": 0}
    assert services.reminders_send(now + timedelta(days=64)) == {"data_reminders": 1}
    mails = OutgoingMail.objects.filter(kind="data.overdue")
    assert [m.to for m in mails] == [officer_dinkes.email] * 2 and dataset.title in mails[0].subject


def test_readiness_counts_work_in_hand_and_overdue_per_opd(officer_dinkes: Any, walidata: Any) -> None:
    dinkes = Unit.objects.get(slug="dinkes").pk
    published_dataset(officer_dinkes, walidata, frequency="weekly")
    draft_with_file(officer_dinkes, title="Draf")
    [(_m, source)] = [(m, s) for m, s in registry.readiness() if m.label == "data"]
    assert source.role == "petugas_data"
    backlog = source.backlog([dinkes], timezone.now() + timedelta(days=8))[dinkes]
    assert (backlog.open, backlog.new, backlog.overdue) == (1, 0, 1)


def test_search_finds_published_datasets_only(officer_dinkes: Any, walidata: Any) -> None:
    published_dataset(officer_dinkes, walidata)
    draft_with_file(officer_dinkes, title="Puskesmas rahasia draf")
    [(_m, hits)] = [(m, h) for m, h in registry.search("puskesmas", 10) if m.label == "data"]
    assert [h.title for h in hits] == ["Jumlah puskesmas per kecamatan"]
    assert hits[0].url == "/data/jumlah-puskesmas-per-kecamatan/"


def test_my_work_shows_the_walidata_what_waits(officer_dinkes: Any, walidata: Any) -> None:
    from balai.data.rules import Action

    dataset = draft_with_file(officer_dinkes)
    services.dataset_transition(
        actor=officer_dinkes, scope=staff_scope(officer_dinkes), dataset=dataset, action=Action.SUBMIT, version=None
    )
    request = RequestFactory().get("/staf/")
    section = _module().work(request, staff_scope(walidata), timezone.now())
    assert {i.key: i.count for i in section.items}["data.submitted"] == 1
    assert (
        _module().work(request, staff_scope(get_user_model().objects.get(username="operator.pupr")), timezone.now())
        is None
    )


def test_the_demo_fills_a_catalogue_once_and_its_logins_work(city: Any) -> None:
    import random

    context = DemoContext(pemda=city, password="demo-pass-1", rng=random.Random(1))
    load(context)
    counts = (Dataset.objects.count(), Dataset.objects.filter(is_demo=True).count())
    load(context)
    assert (Dataset.objects.count(), Dataset.objects.filter(is_demo=True).count()) == counts
    states = sorted(Dataset.objects.filter(is_demo=True).values_list("state", flat=True))
    assert states == ["draft", "published", "published", "submitted"]
    assert Dataset.objects.exclude(generated_key="").filter(state="published").count() >= 4
    for username, _label in _module().demo_logins:
        assert get_user_model().objects.get(username=username).check_password("demo-pass-1")
