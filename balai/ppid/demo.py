"""The PPID demo: a PPID utama at Diskominfo, pelaksana in three OPD, an atasan, a DIP per OPD and a few dozen
requests in every state (one overdue, one with an objection). Everything goes through the services; it adds
nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from balai.core.models import Unit
from balai.core.services import membership_grant

from . import rules, services
from .models import CopyForm, Decision, Delivery, DipCategory, DipEntry, InformationRequest, ObtainHow, RequesterKind

USERS = [
    ("ppid.utama", "Novita Rumengan", "diskominfo", rules.UTAMA),
    ("ppid.pupr", "Hendra Wenas", "dinas-pupr", rules.PELAKSANA),
    ("ppid.dinkes", "Maria Sondakh", "dinkes", rules.PELAKSANA),
    ("ppid.dlh", "Yohanes Pangemanan", "dlh", rules.PELAKSANA),
    ("ppid.atasan", "Sekretaris Daerah", "setda", rules.ATASAN),
]
OPD = ["dinas-pupr", "dinkes", "dlh"]

DIP = {
    "dinas-pupr": [
        (
            "Rencana kerja pemeliharaan jalan kota",
            "Daftar ruas jalan dan jadwal pemeliharaan tahun berjalan.",
            DipCategory.BERKALA,
        ),
        (
            "Daftar paket pekerjaan konstruksi",
            "Paket pekerjaan, nilai kontrak, penyedia dan jangka waktu.",
            DipCategory.SETIAP_SAAT,
        ),
        (
            "Dokumen penawaran yang belum dievaluasi",
            "Dokumen penawaran lelang selama proses evaluasi.",
            DipCategory.DIKECUALIKAN,
        ),
    ],
    "dinkes": [
        ("Jadwal pelayanan puskesmas", "Jam buka dan layanan tiap puskesmas di kota.", DipCategory.BERKALA),
        ("Informasi kejadian luar biasa", "Peringatan dan langkah pencegahan saat ada KLB.", DipCategory.SERTA_MERTA),
        ("Rekam medis pasien", "Catatan medis perorangan.", DipCategory.DIKECUALIKAN),
    ],
    "dlh": [
        ("Jadwal pengangkutan sampah", "Rute dan jadwal truk sampah per kecamatan.", DipCategory.BERKALA),
        ("Hasil uji kualitas air sungai", "Hasil pemantauan kualitas air per triwulan.", DipCategory.SETIAP_SAAT),
    ],
}

QUESTIONS = [
    ("Salinan rencana pemeliharaan jalan di Kecamatan Maesa tahun ini", "dinas-pupr"),
    ("Nilai kontrak dan nama penyedia proyek drainase Jalan Sam Ratulangi", "dinas-pupr"),
    ("Jumlah kasus demam berdarah per kelurahan tahun lalu", "dinkes"),
    ("Jadwal imunisasi di puskesmas Girian", "dinkes"),
    ("Hasil uji kualitas air Sungai Girian triwulan terakhir", "dlh"),
    ("Jadwal pengangkutan sampah di Kelurahan Manembo-nembo", "dlh"),
    ("Anggaran kegiatan pembersihan pantai tahun ini", "dlh"),
    ("Daftar sekolah penerima bantuan perbaikan atap", None),
]


@contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    real = timezone.now
    with mock.patch.object(timezone, "now", lambda: min(moment, real())):
        yield


def _input(rng: Any, text: str, n: int) -> services.RequestInput:
    names = ["Budi Santoso", "Siti Aminah", "Yosua Manoppo", "Lidya Kaunang", "Ahmad Fauzi", "Meiske Rondonuwu"]
    return services.RequestInput(
        requester_kind=RequesterKind.PERORANGAN, name=f"{rng.choice(names)} (demo)",
        identity_number=f"7172{rng.randrange(10**11, 10**12)}", address="Jl. Demo No. 1, Bitung",
        phone="", email=f"pemohon{n}@demo.balai.local", information=text,
        purpose="Untuk kajian warga (data demo).", obtain_how=ObtainHow.COPY, copy_form=CopyForm.ELECTRONIC,
        delivery=Delivery.EMAIL, is_private=n % 9 == 4,
    )  # fmt: skip


def load(context: Any) -> None:
    with services.emails_silenced():
        _load(context)


def _load(context: Any) -> None:
    if DipEntry.objects.filter(is_demo=True).exists():
        return
    user_model = get_user_model()
    people: dict[str, Any] = {}
    with transaction.atomic():
        for username, name, unit, role in USERS:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"first_name": name, "email": f"{username}@demo.balai.local"}
            )
            if created:
                user.set_password(context.password)
                user.save()
            membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit), role=role, module="ppid")
            people[username] = user
        units = {u.slug: u for u in Unit.objects.filter(slug__in=[*OPD, "diskominfo"])}
        utama = people["ppid.utama"]
        for slug, rows in DIP.items():
            for title, summary, category in rows:
                services.dip_save(actor=utama, entry=DipEntry(
                    unit=units[slug], title=title, summary=summary, official=f"Kepala {units[slug].short_name}",
                    made_when_where=f"2026, {units[slug].short_name}", form=CopyForm.ELECTRONIC, retention="5 tahun",
                    category=category, is_demo=True,
                    consequence_test="Membuka informasi ini dapat merugikan proses yang sedang berjalan (Pasal 17)."
                    if category == DipCategory.DIKECUALIKAN else "",
                ))  # fmt: skip
        services.dip_save(actor=utama, entry=DipEntry(
            unit=None, title="Laporan keuangan Pemda (LKPD)", summary="Laporan keuangan yang telah diaudit BPK.",
            official="Sekretaris Daerah", made_when_where="2026, Bitung", form=CopyForm.PRINT, retention="10 tahun",
            category=DipCategory.BERKALA, is_demo=True,
        ))  # fmt: skip
    if InformationRequest.objects.exists():
        return
    rng = context.rng
    now = timezone.now()
    pelaksana = {"dinas-pupr": people["ppid.pupr"], "dinkes": people["ppid.dinkes"], "dlh": people["ppid.dlh"]}
    decisions = [Decision.GRANTED, Decision.GRANTED, Decision.PARTLY, Decision.REFUSED, Decision.NOT_HELD]
    for n in range(32):
        text, holder = QUESTIONS[n % len(QUESTIONS)]
        slug = holder or OPD[n % 3]
        start = now - timedelta(days=3 + (n * 97) % 300)
        stage = n % 6  # 0 received, 1 forwarded, 2-4 answered, 5 answered later objected
        with _clock(start):
            item = services.request_submit(data=_input(rng, text, n), now=start)
        if stage == 0 and n > 6:
            stage = 2  # only the newest stay unregistered
        if stage == 0:
            continue
        with _clock(start + timedelta(hours=3)):
            item = services.request_forward(actor=utama, request=item, unit=units[slug])
        if stage == 1 and n > 12:
            stage = 3
        if stage == 1:
            continue
        if n % 7 == 3:
            with _clock(start + timedelta(days=9)):
                item = services.request_extend(actor=pelaksana[slug], request=item,
                                               reason="Dokumen perlu dikumpulkan dari beberapa bidang.")  # fmt: skip
        decision = decisions[n % len(decisions)]
        with _clock(start + timedelta(days=4 + n % 10)):
            item = services.request_notice(actor=pelaksana[slug], request=item, notice=services.NoticeInput(
                decision=decision, answer="Informasi yang Saudara minta kami lampirkan / jelaskan dalam pemberitahuan ini.",
                medium="PDF melalui email" if decision in (Decision.GRANTED, Decision.PARTLY) else "",
                redactions="Nama dan NIK pihak ketiga dihitamkan (Pasal 17 huruf h)." if decision == Decision.PARTLY else "",
                exemption="Pasal 17 huruf h" if decision in (Decision.PARTLY, Decision.REFUSED) else "",
                consequence_test="Membuka data pribadi merugikan pemiliknya." if decision in (Decision.PARTLY, Decision.REFUSED) else "",
                held_by="Balai Wilayah Sungai Sulawesi I" if decision == Decision.NOT_HELD else "",
                signer=pelaksana[slug].first_name,
            ))  # fmt: skip
    # One overdue request (forwarded, no notice, deadline passed) and one objection waiting for the atasan.
    late_start = now - timedelta(days=25)
    with _clock(late_start):
        late = services.request_submit(
            data=_input(rng, "Salinan SK tim pengawas pembangunan pasar", 90), now=late_start
        )
        services.request_forward(actor=utama, request=late, unit=units["dinas-pupr"])
    objected_start = now - timedelta(days=12)
    with _clock(objected_start):
        objected = services.request_submit(
            data=_input(rng, "Rincian biaya perjalanan dinas Dinas Kesehatan tahun lalu", 91), now=objected_start
        )
        objected = services.request_forward(actor=utama, request=objected, unit=units["dinkes"])
    with _clock(objected_start + timedelta(days=5)):
        objected = services.request_notice(actor=pelaksana["dinkes"], request=objected, notice=services.NoticeInput(
            decision=Decision.REFUSED, answer="Rincian biaya perjalanan dinas belum dapat diberikan.",
            exemption="Pasal 17 huruf i", consequence_test="Memuat data pribadi pegawai.",
        ))  # fmt: skip
    with _clock(objected_start + timedelta(days=7)):
        services.request_object(request=objected, grounds=["a"], reason="Biaya perjalanan dinas adalah informasi "
                                "publik yang wajib tersedia setiap saat.")  # fmt: skip
