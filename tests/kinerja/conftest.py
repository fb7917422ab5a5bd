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
from tests.conftest import _DemoRows

YEAR = 2026


def _person(username: str, unit_slug: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@pemda.example.id", "x")
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit_slug), role=role, module=MODULE)
    return user


CAST = {"officer_pupr": ("perencana.pupr.t", "dinas-pupr", PERENCANA),
        "officer_dinkes": ("perencana.dinkes.t", "dinkes", PERENCANA), "bappeda": ("bappeda.t", "setda", BAPPEDA)}  # fmt: skip


class _Cached(_DemoRows):
    """Rows a loader writes through the services, captured the first time in a test process and inserted again
    as they were (tests/conftest.py's `_DemoRows`), but only where the loader would have written the same rows:
    `fresh` says the database is as it was at the capture, and no captured key may be taken already. Otherwise
    the real loader runs. Each test's own changes are rolled back as before."""

    def get(self, loader: Any, *, fresh: bool) -> None:
        if self.rows is None:
            if fresh:
                self.load(loader)
            else:
                loader()
            return
        taken = fresh and any(
            model._base_manager.filter(pk__gte=min(row[model._meta.pk.attname] for row in rows)).exists()
            for model, rows in self.rows
        )
        if fresh and not taken:
            self.load(loader)
        else:
            loader()


_cast_rows = _Cached()
_plan_rows = _Cached()
_plan_rows_author: dict[str, int] = {}


@pytest.fixture
def cast(city: Any) -> dict[str, Any]:
    """The three planning people, made once per test process through membership_grant and inserted again after."""
    users = get_user_model().objects
    fresh = not users.filter(username__in=[name for name, _unit, _role in CAST.values()]).exists()
    _cast_rows.get(lambda: [_person(*who) for who in CAST.values()], fresh=fresh)
    return {key: users.get(username=who[0]) for key, who in CAST.items()}


@pytest.fixture
def officer_pupr(cast: dict[str, Any]) -> Any:
    return cast["officer_pupr"]


@pytest.fixture
def officer_dinkes(cast: dict[str, Any]) -> Any:
    return cast["officer_dinkes"]


@pytest.fixture
def bappeda(cast: dict[str, Any]) -> Any:
    return cast["bappeda"]


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

    def load() -> None:
        plan_import(actor=bappeda, scope=scope, year=YEAR, rows=rows, problems=[])
        the_plan = Plan.objects.get(year=YEAR)
        plan_publish(actor=bappeda, scope=scope, plan=the_plan, published=True, version=the_plan.version)

    # Written by the import service once per test process; the same rows again afterwards while the plan's
    # author is the same row (a test that made other people first gets the real import).
    _plan_rows.get(
        load, fresh=not Plan.objects.exists() and bappeda.pk == _plan_rows_author.setdefault("pk", bappeda.pk)
    )
    return Plan.objects.get(year=YEAR)


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
