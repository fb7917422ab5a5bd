"""The demo city: Kota Bitung's real wilayah, a standard OPD list, one user per role and sample reports."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from balai.core.models import Membership, Pemda, Role, Unit, Wilayah, WilayahLevel
from balai.core.registry import DemoContext, registry
from balai.core.services import membership_grant, pemda_setup, wilayah_import
from balai.lapor import services
from balai.lapor.models import Category, CategoryQuestion, QuestionType, Report, ReportKind, Weight
from balai.lapor.services import ReportInput, report_submit

BITUNG = "71.72"
BITUNG_BOUNDS = (Decimal("1.36"), Decimal("1.62"), Decimal("124.98"), Decimal("125.36"))
DEMO_PASSWORD = "demo-balai-2026"  # noqa: S105 - printed for everyone by `make run`; demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    unit_slug: str
    role: str


DEMO_USERS = [
    DemoUser("admin", "Admin Sistem", "diskominfo", Role.ADMIN_SISTEM),
    DemoUser("koordinator", "Rina Mamahit", "diskominfo", Role.KOORDINATOR),
    DemoUser("operator.pupr", "Steven Lumenta", "dinas-pupr", Role.OPERATOR),
    DemoUser("operator.dinkes", "Grace Tumbelaka", "dinkes", Role.OPERATOR),
    DemoUser("kepala.pupr", "Kepala Dinas PUPR", "dinas-pupr", Role.PIMPINAN),
    DemoUser("pimpinan", "Wali Kota Bitung", "setda", Role.PIMPINAN),
]

# (slug, name, description, default OPD, weight, sample titles)
CATEGORIES = [
    (
        "jalan-rusak",
        "Jalan rusak",
        "Jalan berlubang, aspal mengelupas, jembatan rusak",
        "dinas-pupr",
        Weight.NORMATIF,
        ["Jalan berlubang di {street}", "Aspal mengelupas dekat {place}", "Jembatan kecil retak di {street}"],
    ),
    (
        "drainase",
        "Drainase dan got",
        "Saluran tersumbat, got meluap",
        "dinas-pupr",
        Weight.NORMATIF,
        ["Got tersumbat di {street}", "Saluran air meluap saat hujan dekat {place}"],
    ),
    (
        "sampah",
        "Sampah",
        "Sampah menumpuk, tidak diangkut, pembuangan liar",
        "dlh",
        Weight.RINGAN,
        [
            "Sampah menumpuk di {place}",
            "Sampah belum diangkut tiga hari di {street}",
            "Pembuangan sampah liar di {place}",
        ],
    ),
    (
        "lampu-jalan",
        "Lampu jalan",
        "Lampu penerangan jalan mati atau rusak",
        "dishub",
        Weight.RINGAN,
        ["Lampu jalan mati di {street}", "Tiang lampu miring di {place}"],
    ),
    (
        "lalu-lintas",
        "Lalu lintas dan angkutan",
        "Rambu, parkir liar, angkot",
        "dishub",
        Weight.NORMATIF,
        ["Parkir liar menutup jalan di {street}", "Rambu lalu lintas hilang dekat {place}"],
    ),
    (
        "banjir",
        "Banjir dan bencana",
        "Banjir, longsor, pohon tumbang",
        "bpbd",
        Weight.RINGAN,
        ["Banjir setinggi lutut di {street}", "Pohon tumbang menutup {street}", "Tanah longsor dekat {place}"],
    ),
    (
        "layanan-kesehatan",
        "Layanan kesehatan",
        "Puskesmas, posyandu, pelayanan kesehatan",
        "dinkes",
        Weight.NORMATIF,
        ["Antrean Puskesmas {kel} sangat lama", "Posyandu {kel} kekurangan vaksin"],
    ),
    (
        "adminduk",
        "Administrasi kependudukan",
        "KTP-el, KK, akta",
        "disdukcapil",
        Weight.NORMATIF,
        ["KTP-el belum jadi setelah dua bulan", "Antrean pembuatan KK di kantor Disdukcapil"],
    ),
    (
        "ketertiban",
        "Ketertiban umum",
        "Pedagang liar, kebisingan, bangunan liar",
        "satpol-pp",
        Weight.NORMATIF,
        ["Pedagang kaki lima menutup trotoar di {street}", "Kebisingan malam hari dekat {place}"],
    ),
    (
        "sosial",
        "Bantuan sosial",
        "Bansos, warga terlantar",
        "dinsos",
        Weight.TIDAK_BERKADAR,
        ["Warga lansia belum menerima bansos di {kel}", "Anak terlantar di sekitar {place}"],
    ),
    (
        "pungli",
        "Pungutan liar",
        "Pungli dan penyalahgunaan wewenang",
        "inspektorat",
        Weight.BERKADAR,
        ["Dugaan pungutan liar saat mengurus surat di kantor kelurahan", "Pungutan tidak resmi di {place}"],
    ),
    (
        "pendidikan",
        "Pendidikan",
        "Sekolah, PPDB, fasilitas sekolah",
        "disdik",
        Weight.TIDAK_BERKADAR,
        ["Atap kelas SD di {kel} bocor", "Informasi PPDB tidak jelas"],
    ),
    (
        "lainnya",
        "Lainnya",
        "Yang tidak masuk kategori lain",
        "diskominfo",
        Weight.NORMATIF,
        ["Wifi publik di {place} tidak berfungsi", "Informasi layanan Pemkot sulit ditemukan"],
    ),
]

STREETS = [
    "Jl. Sam Ratulangi",
    "Jl. Yos Sudarso",
    "Jl. Wolter Monginsidi",
    "Jl. D.S. Sumolang",
    "Jl. Samuel Languyu",
    "Jl. Pelabuhan",
    "Jl. Garuda",
    "Jl. Sagerat",
    "Jl. Stadion Duasudara",
    "Jl. Pinokalan",
]
PLACES = [
    "Pasar Winenet",
    "Terminal Tangkoko",
    "Pelabuhan Bitung",
    "SD Negeri 3",
    "Gereja GMIM",
    "Masjid Raya",
    "Puskesmas",
    "Kantor Kelurahan",
    "Taman Kota",
    "Pantai Aertembaga",
]
NAMES = [
    "Yohanes Sumampouw",
    "Maria Pangemanan",
    "Ferry Lumintang",
    "Novita Rondonuwu",
    "Hendra Kaunang",
    "Siti Rahma",
    "Jefri Wowor",
    "Lenny Tambuwun",
    "Abdul Karim",
    "Meiske Walangitan",
    "Ricky Manoppo",
    "Fatimah Bachmid",
]
KECAMATAN_CENTRES = {
    "71.72.01": (1.415, 125.225), "71.72.02": (1.455, 125.165), "71.72.03": (1.530, 125.080), "71.72.04": (1.470, 125.205),
    "71.72.05": (1.475, 125.115), "71.72.06": (1.455, 125.130), "71.72.07": (1.445, 125.190), "71.72.08": (1.490, 125.255),
}  # fmt: skip


def _demo_questions() -> None:
    """Two categories ask a little more, as a Pemda would configure in the admin screens."""
    jalan, banjir = Category.objects.get(slug="jalan-rusak"), Category.objects.get(slug="banjir")
    CategoryQuestion.objects.get_or_create(
        category=jalan, code="ukuran",
        defaults={"label": "Seberapa besar kerusakannya?", "datatype": QuestionType.SINGLE, "order": 1, "is_public": True,
                  "values": [{"key": "kecil", "name": "Kecil (kurang dari 1 meter)"},
                             {"key": "sedang", "name": "Sedang (1–3 meter)"},
                             {"key": "besar", "name": "Besar (lebih dari 3 meter atau seluruh badan jalan)"}]},
    )  # fmt: skip
    CategoryQuestion.objects.get_or_create(
        category=banjir, code="tinggi_air",
        defaults={"label": "Perkiraan tinggi air (cm)", "datatype": QuestionType.NUMBER, "order": 1,
                  "description": "Boleh perkiraan, misalnya 30."},
    )  # fmt: skip


def demo_loaded() -> bool:
    return Pemda.objects.filter(is_demo=True).exists()


def load_demo(*, reports: int = 300, seed: int = 7171, modules: bool = True) -> Pemda:
    """Load everything; run it again and nothing is added twice (users and reports only on the first run).

    `modules=False` leaves out what the other modules add through the registry (the tests' `city`)."""
    wilayah_import(only=BITUNG)
    pemda = pemda_setup(
        actor=None,
        wilayah_code=BITUNG,
        code_prefix="BTG",
        bounds=BITUNG_BOUNDS,
        time_zone="Asia/Makassar",
        with_module_defaults=False,  # the demo's own categories (below), with sample titles
    ).pemda
    with transaction.atomic():
        for order, (slug, name, description, unit, weight, _titles) in enumerate(CATEGORIES):
            Category.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": description,
                    "default_unit": Unit.objects.get(slug=unit),
                    "default_weight": weight,
                    "order": order,
                },
            )
        _demo_questions()
        user_model = get_user_model()
        for demo_user in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                username=demo_user.username,
                defaults={"first_name": demo_user.first_name, "email": f"{demo_user.username}@demo.balai.local"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            membership_grant(
                actor=None, user=user, unit=Unit.objects.get(slug=demo_user.unit_slug), role=demo_user.role
            )
    if not Report.objects.exists():
        _sample_reports(pemda, count=reports, rng=random.Random(seed))  # noqa: S311 - sample data, not security
        # Sample history must not email the demo staff when the worker starts.
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()
    # Each module adds its own demo rows (and logins) through the registry; none adds anything twice.
    if modules:
        registry.demo(DemoContext(pemda=pemda, password=DEMO_PASSWORD, rng=random.Random(seed + 1)))  # noqa: S311
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()
    Pemda.objects.filter(pk=pemda.pk).update(is_demo=True)
    pemda.is_demo = True
    return pemda


@contextmanager
def _demo_clock(moment: datetime) -> Iterator[None]:
    """Sample reports happen in the past: every service and timestamp sees `moment` as now (demo loader only)."""
    with mock.patch.object(timezone, "now", lambda: min(moment, _real_now())):
        yield


_real_now = timezone.now


def _sample_reports(pemda: Pemda, *, count: int, rng: random.Random) -> None:
    categories = {c.slug: c for c in Category.objects.select_related("default_unit")}
    kelurahan = list(Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN, code__startswith=f"{BITUNG}."))
    koordinator = get_user_model().objects.get(username="koordinator")
    now = timezone.now()
    for _index in range(count):
        slug, _name, _desc, _unit, _weight, titles = rng.choice(CATEGORIES)
        kel = rng.choice(kelurahan)
        street, place = rng.choice(STREETS), rng.choice(PLACES)
        title = rng.choice(titles).format(street=street, place=place, kel=kel.name)
        lat, lng = KECAMATAN_CENTRES.get(kel.parent_id or "", pemda.center)
        anonymous = rng.random() < 0.15
        name = rng.choice(NAMES)
        created = now - timedelta(days=rng.uniform(0, 180), minutes=rng.randint(0, 600))
        with _demo_clock(created):
            report = report_submit(
                data=ReportInput(
                    **_input_kwargs(rng, categories[slug], title, kel, street, place, lat, lng, anonymous, name)
                ),
                pemda=pemda,
            )
        age_days = (now - created).days
        if (age_days < 3 and rng.random() < 0.8) or rng.random() < 0.04:
            continue  # recent reports, and a small backlog, are still waiting for verification
        _advance(report, rng, koordinator, categories[slug], age_days, created)


def _advance(
    report: Report, rng: random.Random, koordinator: Any, category: Category, age_days: int, created: Any
) -> None:
    """Walk a sample report through the back office as real staff would, at plausible moments."""
    operators = {u.unit_id: u.user for u in Membership.objects.filter(role=Role.OPERATOR).select_related("user")}
    roll = rng.random()
    moment = created + timedelta(hours=rng.randint(2, 40))
    with _demo_clock(moment):
        if roll < 0.04:
            services.report_archive(report=report, actor=koordinator, version=None, reason="terlalu_umum")
            return
        if roll < 0.07:
            services.report_mark_not_authority(
                report=report,
                actor=koordinator,
                version=None,
                referral="Balai Pelaksanaan Jalan Nasional (jalan nasional)",
            )
            return
        report = services.report_verify(
            report=report, actor=koordinator, version=None, kind=report.kind, category=category,
            weight=category.default_weight, public_title=report.title, is_anonymous=report.is_anonymous,
            is_confidential=report.is_confidential, lead_unit=category.default_unit,
        )  # fmt: skip
    operator = operators.get(category.default_unit_id, koordinator)
    if age_days < 5 or rng.random() < 0.15:
        return
    moment += timedelta(hours=rng.uniform(4, 48))
    with _demo_clock(moment):
        report = services.report_accept(report=report, actor=operator, version=None)
    if age_days < 10 or rng.random() < 0.2:
        return
    moment += timedelta(days=rng.uniform(1, max(1.5, min(age_days - 4, 15))))
    with _demo_clock(moment):
        services.report_finish(
            report=report, actor=operator, version=None,
            answer="Sudah ditangani oleh petugas di lapangan. Terima kasih atas laporan Anda.",
        )  # fmt: skip


def _input_kwargs(
    rng: random.Random, category: Category, title: str, kel: Wilayah, street: str, place: str,
    lat: float, lng: float, anonymous: bool, name: str,
) -> dict[str, Any]:  # fmt: skip
    with_point = rng.random() < 0.7
    return {
        "kind": rng.choices([ReportKind.PENGADUAN, ReportKind.ASPIRASI, ReportKind.INFORMASI], [8, 2, 1])[0],
        "category": category,
        "title": title,
        "description": (
            f"{title}. Sudah berlangsung sejak {rng.randint(2, 20)} hari yang lalu dan mengganggu warga "
            f"{kel.name}. Mohon segera ditindaklanjuti. Lokasi dekat {place}."
        ),
        "kelurahan": kel,
        "address": f"{street} dekat {place}",
        "latitude": Decimal(f"{lat + rng.uniform(-0.008, 0.008):.6f}") if with_point else None,
        "longitude": Decimal(f"{lng + rng.uniform(-0.008, 0.008):.6f}") if with_point else None,
        "reporter_name": "" if anonymous else name,
        "reporter_phone": f"+62812{rng.randint(10000000, 99999999)}",
        "is_anonymous": anonymous,
        "is_confidential": category.slug == "pungli" or rng.random() < 0.05,
        "consent": True,
    }
