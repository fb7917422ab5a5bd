"""The village-report cast: a monthly report type, two kelurahan of one kecamatan and one of another, their lurah,
the camat, the mayor's office, a KIM with a member, Diskominfo's moderator, and an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.core.models import Pemda, Unit
from balai.core.services import membership_grant
from balai.desa.models import Kim, ReportType
from balai.desa.rules import Role
from balai.desa.services import KimInput, kim_member_add, kim_save, mailbox_set
from balai.desa.setup import default_report_types_create
from tests.conftest import _DemoRows


@dataclass
class Cast:
    pemda: Pemda
    report_type: ReportType
    kel_a: Unit  # kecamatan K1
    kel_b: Unit  # kecamatan K1
    kel_c: Unit  # kecamatan K2
    kec_1: Unit
    kec_2: Unit
    lurah_a: Any
    lurah_c: Any
    camat_1: Any
    office: Any
    moderator: Any
    kim_a: Kim
    kim_c: Kim
    member_a: Any
    member_c: Any
    outsider: Any


def _user(username: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "rahasia-123")
    return user


PEOPLE = ("lurah_a", "lurah_c", "camat_1", "pemerintahan", "moderator", "kim_a", "kim_c", "outsider")


def _units() -> tuple[Unit, Unit, Unit, Unit, Unit]:
    kecamatan = list(Unit.objects.filter(kind="kecamatan").order_by("wilayah_id")[:2])
    kel_a, kel_b = Unit.objects.filter(parent=kecamatan[0]).order_by("wilayah_id")[:2]
    kel_c = Unit.objects.filter(parent=kecamatan[1]).order_by("wilayah_id").first()
    assert kel_c is not None
    return kel_a, kel_b, kel_c, kecamatan[0], kecamatan[1]


def _cast_build() -> None:
    """The cast's rows, written once per test process through the services; later tests get the same rows again."""
    default_report_types_create(None)
    kel_a, _kel_b, kel_c, kec_1, _kec_2 = _units()
    people = {}
    for name, unit, role in [
        ("lurah_a", kel_a, Role.LURAH),
        ("lurah_c", kel_c, Role.LURAH),
        ("camat_1", kec_1, Role.CAMAT),
        ("pemerintahan", Unit.objects.get(slug="setda"), Role.PEMERINTAHAN),
        ("moderator", Unit.objects.get(slug="diskominfo"), Role.MODERATOR),
        ("kim_a", kel_a, Role.KIM),
        ("kim_c", kel_c, Role.KIM),
    ]:
        people[name] = _user(name)
        membership_grant(actor=None, user=people[name], unit=unit, role=role, module="desa")
    kim_a = kim_save(actor=None, data=KimInput(unit=kel_a, name="KIM Maju Bersama", sk_number="12/2025"))
    kim_c = kim_save(actor=None, data=KimInput(unit=kel_c, name="KIM Bahari"))
    kim_member_add(actor=None, kim=kim_a, name="Anggota A", role="ketua", user=people["kim_a"], phone="0812000111")
    kim_member_add(actor=None, kim=kim_c, name="Anggota C", role="ketua", user=people["kim_c"])
    mailbox_set(actor=None, unit=kel_a, sender_email="kel.a@example.org")
    mailbox_set(actor=None, unit=kel_c, sender_email="kel.c@example.org")
    _user("outsider")


# The cast's rows as the services wrote them the first time in this process, inserted again for each later test
# (the city's own cache does the same): the services' ~100 queries and seven password hashes run once.
_cast_rows = _DemoRows()


@pytest.fixture
def cast(city: Pemda) -> Cast:
    _cast_rows.load(_cast_build)
    kel_a, kel_b, kel_c, kec_1, kec_2 = _units()
    people = {u.username: u for u in get_user_model().objects.filter(username__in=PEOPLE)}
    kims = {k.name: k for k in Kim.objects.all()}
    return Cast(
        pemda=city,
        report_type=ReportType.objects.get(slug="laporan-bulanan"),
        kel_a=kel_a,
        kel_b=kel_b,
        kel_c=kel_c,
        kec_1=kec_1,
        kec_2=kec_2,
        lurah_a=people["lurah_a"],
        lurah_c=people["lurah_c"],
        camat_1=people["camat_1"],
        office=people["pemerintahan"],
        moderator=people["moderator"],
        kim_a=kims["KIM Maju Bersama"],
        kim_c=kims["KIM Bahari"],
        member_a=people["kim_a"],
        member_c=people["kim_c"],
        outsider=people["outsider"],
    )


FULL = {
    "lahir": "4",
    "meninggal": "1",
    "pindah_datang": "3",
    "pindah_keluar": "2",
    "kamtibmas": "Aman",
    "kegiatan": "Kerja bakti dan posyandu.",
}


INTAKE = "lapor@bitungkota.go.id"


@pytest.fixture(autouse=True)
def _intake_address(monkeypatch: pytest.MonkeyPatch) -> None:
    # The village-report address is desa@ at the reporting address's domain.
    monkeypatch.setenv("INTAKE_ADDRESS", INTAKE)


# The browser fixtures of tests/e2e (chromium, axe, a page per context that fails on CSP violations).
from tests.e2e.conftest import axe_js, browser, new_page, photo_file, site  # noqa: E402, F401
