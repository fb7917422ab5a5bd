"""The module's default rows for `balai pemda setup`: the monthly kelurahan report with its usual fields."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from balai.core.services import audit_record

from .models import FieldKind, Period, ReportField, ReportType

MONTHLY_SLUG = "laporan-bulanan"

# (key, label, kind, choices, required): the monthly kelurahan report of a Kota (issue 17).
MONTHLY_FIELDS = (
    ("lahir", "Kelahiran", FieldKind.NUMBER, "", True),
    ("meninggal", "Kematian", FieldKind.NUMBER, "", True),
    ("pindah_datang", "Penduduk datang", FieldKind.NUMBER, "", True),
    ("pindah_keluar", "Penduduk pindah", FieldKind.NUMBER, "", True),
    ("kamtibmas", "Keamanan dan ketertiban", FieldKind.CHOICE, "Aman|Waspada|Gangguan", True),
    ("infrastruktur", "Kondisi infrastruktur", FieldKind.TEXT, "", False),
    ("kegiatan", "Kegiatan bulan ini", FieldKind.TEXT, "", True),
    ("masalah", "Masalah yang perlu perhatian wali kota", FieldKind.TEXT, "", False),
    ("lampiran", "Lampiran (foto atau scan)", FieldKind.ATTACHMENT, "", False),
)


@transaction.atomic
def default_report_types_create(actor: Any) -> list[str]:
    """The monthly kelurahan/desa report, 5 working days after the month; nothing twice."""
    report_type, created = ReportType.objects.get_or_create(
        slug=MONTHLY_SLUG,
        defaults={
            "name": "Laporan bulanan kelurahan/desa",
            "description": "Peristiwa kependudukan, kamtibmas, infrastruktur, kegiatan dan masalah bulan lalu.",
            "period": Period.MONTHLY,
            "deadline_days": 5,
        },
    )
    if not created:
        return []
    ReportField.objects.bulk_create(
        [
            ReportField(report_type=report_type, key=k, label=label, kind=kind, choices=choices, required=req, order=i)
            for i, (k, label, kind, choices, req) in enumerate(MONTHLY_FIELDS)
        ]
    )
    audit_record(actor=actor, action="desa.report_type.create", obj=report_type, changes={"slug": MONTHLY_SLUG})
    return [_("Village reports: the monthly report type %(slug)s was added.") % {"slug": MONTHLY_SLUG}]
