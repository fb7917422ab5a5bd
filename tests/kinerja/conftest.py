"""The planning module's cast: a planning officer of Dinas PUPR and of Dinkes, a Bappeda evaluator, and a small
published plan (two OPD, three sub kegiatan) written through the real import service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.core.services import membership_grant
from balai.kinerja.importer import ImportRow
from balai.kinerja.models import Activity, Level, Plan
from balai.kinerja.roles import BAPPEDA, MODULE, PERENCANA
from balai.kinerja.services import RealisationInput, plan_import, plan_publish, realisation_accept, realisation_save

YEAR = 2026


def _person(username: str, unit_slug: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@pemda.example.id", "x")
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit_slug), role=role, module=MODULE)
    return user


@pytest.fixture
def officer_pupr(city: Any) -> Any:
    return _person("perencana.pupr.t", "dinas-pupr", PERENCANA)


@pytest.fixture
def officer_dinkes(city: Any) -> Any:
    return _person("perencana.dinkes.t", "dinkes", PERENCANA)


@pytest.fixture
def bappeda(city: Any) -> Any:
    return _person("bappeda.t", "setda", BAPPEDA)


def row(number: int, opd: str, code: str, name: str, pagu: int, indicator: str, target: str, direction: str = "higher",
        program: tuple[str, str] = ("1.03.02", "Program Penyelenggaraan Jalan"),
        kegiatan: tuple[str, str] = ("1.03.02.2.01", "Penyelenggaraan Jalan Kota"), urusan: str = "Pekerjaan Umum") -> ImportRow:  # fmt: skip
    return ImportRow(
        number=number, opd=opd, urusan=urusan, program=program, kegiatan=kegiatan, sub=(code, name),
        pagu=Decimal(pagu), indicator=indicator, unit_label="Unit", target=Decimal(target), direction=direction, spbe=None,
    )  # fmt: skip


@pytest.fixture
def plan(city: Any, bappeda: Any) -> Plan:
    rows = [
        row(2, "dinas-pupr", "1.03.02.2.01.0001", "Rehabilitasi Jalan Sudirman", 1_250_000_000, "Panjang jalan", "10"),
        row(3, "dinas-pupr", "1.03.02.2.01.0002", "Pemeliharaan Drainase Girian", 500_000_000, "Hari genangan", "4", "lower"),
        row(4, "dinkes", "1.02.02.2.01.0001", "Imunisasi Dasar", 300_000_000, "Anak diimunisasi", "1000",
            program=("1.02.02", "Program Upaya Kesehatan"), kegiatan=("1.02.02.2.01", "Layanan Imunisasi"), urusan="Kesehatan"),
    ]  # fmt: skip
    scope = staff_scope(bappeda)
    plan_import(actor=bappeda, scope=scope, year=YEAR, rows=rows, problems=[])
    the_plan = Plan.objects.get(year=YEAR)
    return plan_publish(actor=bappeda, scope=scope, plan=the_plan, published=True, version=the_plan.version)


def sub(code: str) -> Activity:
    return Activity.objects.get(code=code, level=Level.SUB_KEGIATAN)


ROAD = "1.03.02.2.01.0001"
DRAIN = "1.03.02.2.01.0002"
IMMUNISATION = "1.02.02.2.01.0001"


def report_and_accept(officer: Any, bappeda: Any, code: str, quarter: int, physical: str, financial: int,
                      achieved: str | None, obstacles: str = "") -> Any:  # fmt: skip
    activity = sub(code)
    indicator = activity.indicators.get()
    data = RealisationInput(
        physical_pct=Decimal(physical), financial=Decimal(financial), obstacles=obstacles,
        values={indicator.pk: None if achieved is None else Decimal(achieved)},
    )  # fmt: skip
    saved = realisation_save(
        actor=officer,
        scope=staff_scope(officer),
        activity=activity,
        quarter=quarter,
        data=data,
        version=None,
        submit=True,
    )
    return realisation_accept(actor=bappeda, scope=staff_scope(bappeda), realisation=saved, version=saved.version)


def client_for(user: Any = None, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _english_messages() -> Any:
    """The services' messages are compared in English (the msgids); pages choose their language by cookie."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def rpjmd(plan: Plan, bappeda: Any) -> Any:
    """An RPJMD over the plan's year, typed through the service (two missions, no goals yet)."""
    from balai.kinerja.services import RpjmdInput, rpjmd_save

    data = RpjmdInput(start_year=2025, end_year=2029, vision="Bitung yang maju, sejahtera dan berkelanjutan",
                      missions=("Meningkatkan kualitas infrastruktur kota", "Meningkatkan derajat kesehatan warga"))  # fmt: skip
    return rpjmd_save(actor=bappeda, scope=staff_scope(bappeda), data=data)
