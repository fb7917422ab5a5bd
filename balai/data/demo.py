"""The demo catalogue: a walidata, data officers, groups, uploaded datasets per OPD and Balai's generated tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from balai.core.access import staff_scope
from balai.core.models import Unit, Wilayah
from balai.core.registry import DemoContext
from balai.core.services import membership_grant

from . import rules, services
from .files import write_csv
from .models import Dataset, Group
from .rules import Action

USERS = (
    ("walidata", "Yohanes Rompas", "diskominfo", rules.WALIDATA_ROLE),
    ("data.dinkes", "Maria Sondakh", "dinkes", rules.OFFICER_ROLE),
    ("data.pupr", "Ronald Pangemanan", "dinas-pupr", rules.OFFICER_ROLE),
)
GROUPS = (
    ("kesehatan", "Kesehatan", "Layanan kesehatan dan kondisi kesehatan warga."),
    ("infrastruktur", "Infrastruktur", "Jalan, jembatan, drainase dan sarana umum."),
    ("kependudukan", "Kependudukan dan wilayah", "Penduduk, wilayah administrasi dan kode referensi."),
    ("pelayanan-publik", "Pelayanan publik", "Pengaduan dan kinerja layanan pemerintah."),
)


def _user(context: DemoContext, username: str, name: str, unit: Unit, role: str) -> Any:
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name, "email": f"{username}@demo.balai.local"}
    )
    if created:
        user.set_password(context.password)
        user.save()
    membership_grant(actor=None, user=user, unit=unit, role=role, module=rules.MODULE)
    return user


def _kecamatan_rows(pemda: Any, rng: Any, fields: int, low: int, high: int) -> list[list[Any]]:
    kecamatan = Wilayah.objects.filter(parent_id=pemda.wilayah_id).order_by("code")
    return [[k.code, k.name, *[rng.randint(low, high) for _ in range(fields)]] for k in kecamatan]


def load(context: DemoContext) -> None:
    if Dataset.objects.filter(is_demo=True).exists():
        return
    units = {u.slug: u for u in Unit.objects.filter(slug__in=["diskominfo", "dinkes", "dinas-pupr", "disdik"])}
    if len(units) < 4:
        return
    people = {username: _user(context, username, name, units[slug], role) for username, name, slug, role in USERS}
    groups = {}
    for slug, title, description in GROUPS:
        groups[slug], _created = Group.objects.get_or_create(
            name=slug, defaults={"title": title, "description": description}
        )
    walidata = people["walidata"]
    steward = f"Diskominfo {context.pemda.short_name}"
    rng = context.rng
    year = timezone.localdate().year - 1
    plans = [
        ("data.dinkes", "dinkes", "Jumlah puskesmas dan tenaga kesehatan per kecamatan",
         "Banyaknya puskesmas, dokter, perawat dan bidan di setiap kecamatan pada akhir tahun.",
         ["kode_kecamatan", "kecamatan", "puskesmas", "dokter", "perawat", "bidan"], (1, 3, 2, 9, 4, 18),
         {"kode_kecamatan": "Kode kecamatan Kemendagri", "kecamatan": "Nama kecamatan", "puskesmas": "Jumlah puskesmas (unit)",
          "dokter": "Jumlah dokter (orang)", "perawat": "Jumlah perawat (orang)", "bidan": "Jumlah bidan (orang)"},
         "yearly", ["kesehatan", "puskesmas"], ["kesehatan"], "publish"),
        ("data.dinkes", "dinkes", "Cakupan imunisasi dasar lengkap per kecamatan",
         "Bayi yang mendapat imunisasi dasar lengkap dibanding sasaran, per kecamatan.",
         ["kode_kecamatan", "kecamatan", "sasaran_bayi", "imunisasi_lengkap"], (2, 300, 900),
         {"kode_kecamatan": "Kode kecamatan Kemendagri", "kecamatan": "Nama kecamatan",
          "sasaran_bayi": "Jumlah bayi sasaran (anak)", "imunisasi_lengkap": "Bayi dengan imunisasi dasar lengkap (anak)"},
         "yearly", ["kesehatan", "imunisasi"], ["kesehatan"], "submit"),
        ("data.pupr", "dinas-pupr", "Panjang jalan kota menurut kondisi",
         "Panjang jalan yang menjadi kewenangan kota per kecamatan, dalam kilometer, menurut kondisinya.",
         ["kode_kecamatan", "kecamatan", "baik_km", "sedang_km", "rusak_km"], (3, 1, 25),
         {"kode_kecamatan": "Kode kecamatan Kemendagri", "kecamatan": "Nama kecamatan", "baik_km": "Jalan kondisi baik (km)",
          "sedang_km": "Jalan kondisi sedang (km)", "rusak_km": "Jalan kondisi rusak (km)"},
         "yearly", ["jalan", "infrastruktur"], ["infrastruktur"], "publish"),
        ("walidata", "disdik", "Jumlah sekolah dan murid per kecamatan",
         "Sekolah dasar dan menengah pertama negeri dan swasta, dengan jumlah muridnya.",
         ["kode_kecamatan", "kecamatan", "sd", "smp", "murid"], (3, 2, 900),
         {"kode_kecamatan": "Kode kecamatan Kemendagri", "kecamatan": "Nama kecamatan", "sd": "Jumlah SD (unit)",
          "smp": "Jumlah SMP (unit)", "murid": "Jumlah murid (orang)"},
         "yearly", ["pendidikan", "sekolah"], [], "draft"),
    ]  # fmt: skip
    for username, unit_slug, title, notes, columns, spec, dictionary, frequency, tags, group_slugs, end in plans:
        actor = people[username]
        scope = staff_scope(actor)
        fields, low, high = spec[0], spec[-2], spec[-1]
        rows = _kecamatan_rows(context.pemda, rng, len(columns) - 2, low, high) if fields else []
        dataset = services.dataset_create(
            actor=actor,
            scope=scope,
            data=services.DatasetInput(
                title=title, notes=notes, unit=units[unit_slug], steward=steward, license_id="cc-by",
                frequency=frequency, temporal_start=date(year, 1, 1),
                temporal_end=date(year, 12, 31), spatial=context.pemda.short_name,
                tags=tags, groups=[groups[g] for g in group_slugs],
            ),
            demo=True,
        )  # fmt: skip
        services.resource_add(
            actor=actor, scope=scope, dataset=dataset, content=write_csv(columns, rows), filename=f"{dataset.name}.csv",
            name=f"{title} {year}", description="", dictionary=dictionary, version=None,
        )  # fmt: skip
        if end in ("submit", "publish"):
            services.dataset_transition(actor=actor, scope=scope, dataset=dataset, action=Action.SUBMIT, version=None)
        if end == "publish":
            services.dataset_transition(
                actor=walidata, scope=staff_scope(walidata), dataset=dataset, action=Action.PUBLISH, version=None
            )
    services.generated_sync(timezone.now(), force=True)
