"""The demo's websites: every Bitung OPD gets a site with a profile, services and a few news items; Dinas Sosial
is left stale on purpose (old news, profile never reviewed), so the readiness page shows what stale looks like."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from balai.core.models import Unit, UnitKind
from balai.core.services import membership_grant

from . import services
from .models import Kind, Site
from .rules import EDITOR_ROLE, MODULE, PUBLISHER_ROLE

STALE_SLUG = "dinsos"
SERVICES = [
    (
        "Surat keterangan",
        "KTP-el dan KK asli; surat pengantar RT/RW.",
        "1. Datang ke loket.\n2. Serahkan berkas.\n3. Petugas memeriksa dan mencetak surat.",
        "1 hari kerja",
        "Gratis",
        "Surat keterangan",
    ),
    (
        "Pengaduan layanan",
        "Identitas pelapor (boleh anonim) dan uraian masalah.",
        "Sampaikan lewat Balai (menu Lapor) atau datang ke kantor.",
        "5 hari kerja",
        "Gratis",
        "Jawaban tertulis",
    ),
]
NEWS = [
    ("Pelayanan tetap buka selama libur sekolah", "Kantor melayani masyarakat seperti biasa pada hari kerja."),
    (
        "Sosialisasi program kepada warga kelurahan",
        "Petugas mengunjungi kelurahan untuk menjelaskan program tahun ini.",
    ),
    ("Rapat koordinasi bersama kecamatan", "Koordinasi rencana kerja triwulan berikutnya."),
]
# The English versions the demo gives Dinkes's two services and one news item (the other pages are Indonesian only).
ENGLISH_UNIT = "dinkes"
SERVICES_EN = {
    "Surat keterangan": {
        "title_en": "Certificate letter",
        "summary_en": "A certificate letter from the office.",
        "requirements_en": "Original e-KTP and family card (KK); a cover letter from the RT/RW.",
        "procedure_en": "1. Come to the counter.\n2. Hand in the documents.\n3. The officer checks and prints the letter.",
        "duration_en": "1 working day",
        "cost_en": "Free",
        "product_en": "Certificate letter",
    },
    "Pengaduan layanan": {"title_en": "Complaints about a service", "summary_en": "Complain about a public service."},
}
NEWS_EN = {
    NEWS[0][0]: {
        "title_en": "Services stay open during the school holidays",
        "summary_en": "The office serves the public as usual on working days.",
        "body_en": "The office serves the public as usual on working days.\n\nMore information: contact the office.",
    }
}
DEMO_USERS = [("editor.dinkes", "Maria Sondakh", EDITOR_ROLE), ("penerbit.dinkes", "Johny Rondonuwu", PUBLISHER_ROLE)]


def demo_sites(context: Any) -> None:
    if Site.objects.exists():
        return
    now = timezone.now()
    for index, unit in enumerate(Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("name")):
        _site(unit, now, stale=unit.slug == STALE_SLUG, index=index)
    dinkes = Unit.objects.filter(slug="dinkes").first()
    if dinkes is None:
        return
    for username, name, role in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": name, "email": f"{username}@demo.balai.local"}
        )
        if created:
            user.set_password(context.password)
            user.save(update_fields=["password"])
        membership_grant(actor=None, user=user, unit=dinkes, role=role, module=MODULE)


OFFICIALS = [("Kepala", (31, 78, 121)), ("Sekretaris", (120, 60, 40))]


def _portrait(colour: tuple[int, int, int], label: str) -> bytes:
    """A made-up portrait for the demo (a figure on a coloured ground, labelled DEMO): no real person's face."""
    image = Image.new("RGB", (300, 375), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 60, 205, 170), fill=(235, 225, 210))
    draw.rounded_rectangle((60, 190, 240, 375), radius=40, fill=(235, 225, 210))
    draw.text((10, 10), f"DEMO {label}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _officials(site: Site, unit: Unit, *, with_photos: bool) -> None:
    name = unit.short_name or unit.name
    for order, (position, colour) in enumerate(OFFICIALS, start=1):
        photo = None
        if with_photos:
            data = _portrait(colour, position)
            photo = services.Upload("pejabat.jpg", len(data), io.BytesIO(data))
        services.official_save(
            actor=None,
            scope=None,
            site=site,
            official=None,
            version=None,
            data={"name": f"{position} {name} [DEMO]", "position": f"{position} {unit.name}", "order": order},
            photo=photo,
        )


def _site(unit: Unit, now: Any, *, stale: bool, index: int) -> None:
    site = services.site_activate(actor=None, scope=None, unit=unit)
    reviewed = now - timedelta(days=400) if stale else now - timedelta(days=20)
    site = services.site_profile_update(
        actor=None,
        scope=None,
        site=site,
        version=None,
        data={
            "tagline": f"Melayani warga Kota Bitung — {unit.short_name or unit.name}",
            "tugas_fungsi": ""
            if stale
            else f"{unit.name} membantu Wali Kota melaksanakan urusan pemerintahan di bidangnya.",
            "visi_misi": f"Visi: pelayanan {unit.short_name or unit.name} yang cepat, terbuka dan ramah. [DEMO]",
            "struktur": "Kepala Dinas\nSekretariat\nBidang-bidang\nUPTD",
            "address": "Jl. Sam Ratulangi, Bitung",
            "phone": "(0438) 21000",
            "email": unit.email or "",
            "opening_hours": "Senin–Kamis 08.00–16.00\nJumat 08.00–16.30",
            # Around Bitung's centre, one office a little apart from the next (the contact page's map).
            "latitude": Decimal("1.440000") + Decimal(index % 7) / 1000,
            "longitude": Decimal("125.190000") + Decimal(index // 7) / 1000,
        },
        profile_reviewed=True,
        services_reviewed=True,
        now=reviewed,
    )
    if not stale:
        _officials(site, unit, with_photos=index < 3 or unit.slug == "dinkes")
    for title, requirements, procedure, duration, cost, product in SERVICES:
        page = services.page_create(
            actor=None,
            scope=None,
            site=site,
            kind=Kind.SERVICE,
            data={"title": f"{title} {unit.short_name or unit.name}", "summary": f"{title} di {unit.name}.",
                  "requirements": requirements, "procedure": procedure, "duration": duration, "cost": cost,
                  "product": product, "complaint_channel": "Balai: menu Lapor, atau telepon kantor.",
                  **(SERVICES_EN.get(title, {}) if unit.slug == ENGLISH_UNIT else {})},
        )  # fmt: skip
        services.page_act(actor=None, scope=None, page=page, action="publish", version=None, now=reviewed)
    news = NEWS[index % len(NEWS) :] + NEWS[: index % len(NEWS)]  # each OPD's latest news differs
    for days, (title, summary) in zip((2 + index % 5, 9, 17) if not stale else (60, 75, 90), news, strict=True):
        page = services.page_create(
            actor=None,
            scope=None,
            site=site,
            kind=Kind.NEWS,
            data={"title": f"{title} ({unit.short_name or unit.name})", "summary": summary,
                  "body": f"{summary}\n\nInformasi lebih lanjut: hubungi {unit.name}. [DEMO]",
                  **(NEWS_EN.get(title, {}) if unit.slug == ENGLISH_UNIT else {})},
        )  # fmt: skip
        services.page_act(
            actor=None, scope=None, page=page, action="publish", version=None, now=now - timedelta(days=days)
        )
