"""The reporting module's tables for the open-data catalogue (`Module.datasets`): counts of public reports only.

Reports per month, category and kecamatan, from `Report.objects.public()` (never rahasia, never archived, only
published): counts and names of places and categories, no title, text, address or person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.registry import DatasetColumn, GeneratedDataset

from .models import Report, Status

MONTHLY_COLUMNS = (
    DatasetColumn("bulan", _("Month"), _("The month the reports arrived, YYYY-MM."), "string"),
    DatasetColumn("kategori", _("Category"), _("The category the coordinator filed the reports in."), "string"),
    DatasetColumn("kode_kecamatan", _("Kecamatan code"), _("The kecamatan's official Kemendagri code."), "string"),
    DatasetColumn("kecamatan", _("Kecamatan"), _("The kecamatan's name."), "string"),
    DatasetColumn("jumlah_laporan", _("Reports"), _("Public reports that arrived in the month."), "integer"),
    DatasetColumn("jumlah_selesai", _("Finished"), _("Of those, the reports finished by now."), "integer"),
)


def reports_per_month_rows() -> Iterable[Sequence[Any]]:
    zone = timezone.get_current_timezone()
    rows = (
        Report.objects.public()
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month", "category__name", "kecamatan_id", "kecamatan__name")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=Status.SELESAI)))
        .order_by("month", "category__name", "kecamatan_id")
    )
    for row in rows:
        yield (
            row["month"].strftime("%Y-%m"),
            row["category__name"],
            row["kecamatan_id"] or "",
            row["kecamatan__name"] or "",
            row["n"],
            row["done"],
        )


def datasets() -> list[GeneratedDataset]:
    return [
        GeneratedDataset(
            key="lapor-laporan-bulanan",
            title=_("Citizen reports per month, category and kecamatan"),
            description=_(
                "How many public citizen reports arrived each month, per category and kecamatan, and how many of "
                "them are finished. Confidential (rahasia) and archived reports are not counted."
            ),
            columns=MONTHLY_COLUMNS,
            rows=reports_per_month_rows,
            unit_slug=None,
            frequency="monthly",
            tags=("pengaduan", "laporan warga", "pelayanan publik"),
            source_url="/laporan/",
        )
    ]
