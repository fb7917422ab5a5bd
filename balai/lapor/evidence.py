"""What the reporting module's own data shows for SPBE indicator 42 (Layanan Pengaduan Pelayanan Publik), for the
self-assessment's automatic evidence (balai.core.registry.Evidence): the last twelve months of public complaints.

Only counts and shares: never a report's text, a reporter or a rahasia report's subject."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from balai.core.registry import Evidence

from .models import Channel, Report, Status

COMPLAINT_INDICATOR = 42
WINDOW = timedelta(days=365)


def _share(part: int, whole: int) -> str:
    if not whole:
        return "—"
    share = (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(share, decimal_pos=1)} % ({number_format(part, force_grouping=True)}/"\
           f"{number_format(whole, force_grouping=True)})"  # fmt: skip


def _path(name: str, **kwargs: str) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def complaint_figures(now: datetime) -> dict[str, int | Decimal | None]:
    """The figures of the reports received in the twelve months before `now`, in one query."""
    since = now - WINDOW
    figures = Report.objects.filter(created_at__gte=since, created_at__lte=now).aggregate(
        total=Count("id"),
        **{f"channel_{c}": Count("id", filter=Q(channel=c)) for c in Channel.values},
        verified=Count("id", filter=Q(verified_at__isnull=False, verify_due_at__isnull=False)),
        verified_on_time=Count(
            "id", filter=Q(verified_at__isnull=False, verify_due_at__isnull=False, verified_at__lte=F("verify_due_at"))
        ),
        finished=Count("id", filter=Q(status=Status.SELESAI, finished_at__isnull=False, due_at__isnull=False)),
        finished_on_time=Count(
            "id",
            filter=Q(
                status=Status.SELESAI, finished_at__isnull=False, due_at__isnull=False, finished_at__lte=F("due_at")
            ),
        ),
        rated=Count("id", filter=Q(rating__isnull=False)),
        rating_average=Avg("rating"),
    )
    return figures


def evidence(now: datetime) -> list[Evidence]:
    f = complaint_figures(now)
    channels = ", ".join(
        f"{label} {number_format(f[f'channel_{code}'] or 0, force_grouping=True)}" for code, label in Channel.choices
    )
    average = f["rating_average"]
    rating = (
        f"{number_format(Decimal(str(average)).quantize(Decimal('0.01')), decimal_pos=2)} / 5 "
        f"({number_format(f['rated'] or 0, force_grouping=True)})"
        if average is not None
        else "—"
    )
    statistics = _path("statistik:statistics")
    open311 = _path("open311:discovery", fmt="json")
    facts = (
        (_("Reports received (12 months)"), number_format(f["total"] or 0, force_grouping=True)),
        (_("Channels in use (web, API and Open311, email, staff entry)"), channels),
        (_("Verified within the deadline"), _share(int(f["verified_on_time"] or 0), int(f["verified"] or 0))),
        (_("Finished within the follow-up deadline"), _share(int(f["finished_on_time"] or 0), int(f["finished"] or 0))),
        (_("Average rating by reporters"), rating),
        (_("Public statistics page"), statistics or "—"),
        (_("Open311 GeoReport v2 and JSON API"), open311 or "—"),
    )
    return [
        Evidence(
            indicator=COMPLAINT_INDICATOR,
            title=_("Citizen reports in Balai (last 12 months)"),
            facts=facts,
            as_of=now,
            url=statistics,
        )
    ]
