"""The OPD readiness pages (kesiapan OPD): every OPD at a glance, and one OPD's operators, training and late work."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from balai.core.access import LAPOR
from balai.core.registry import registry
from balai.core.selectors import work_calendar

from .access import DashboardRequest, DashboardScope, dashboard_reader_required
from .readiness import (
    ACTIVE_WITHIN_WORKING_DAYS,
    Flag,
    FlagCode,
    OpdReadiness,
    access_opd_readiness_by_slug,
    opd_readiness,
)


def _dash(request: DashboardRequest) -> DashboardScope:
    return request.dash  # type: ignore[attr-defined, no-any-return]


def _rules(counts: dict[str, int] | None = None) -> list[tuple[Flag, int]]:
    """The four rules in order, each with how many OPD break it."""
    return [(Flag(code), (counts or {}).get(code.value, 0)) for code in FlagCode]


@require_safe
@dashboard_reader_required
def readiness(request: DashboardRequest) -> HttpResponse:
    """Can every OPD run the applications? Not-ready OPD first, with a one-line answer on top."""
    dash = _dash(request)
    summary = opd_readiness(
        unit_ids=None if dash.whole_pemda else dash.units,
        calendar=work_calendar(request.pemda),
    )
    return render(
        request,
        "dasbor/readiness.html",
        {
            "summary": summary,
            "dash": dash,
            "rules": _rules(summary.flag_counts),
            "days": ACTIVE_WITHIN_WORKING_DAYS,
            # One module: the table has no column naming it (the page reads as before the module seam).
            "multi": len(registry.readiness()) > 1,
        },
    )


def _inbox_links(dash: DashboardScope, opd: OpdReadiness) -> dict[str, str]:
    """Links to the inbox showing this OPD's reports, if this reader's inbox can show exactly them."""
    base = reverse("staff:inbox")
    if dash.whole_pemda:
        unit = {"unit": opd.unit.slug}
    elif dash.units == frozenset({opd.unit.pk}):
        unit = {}
    else:
        return {}
    return {
        "open": f"{base}?{urlencode(unit)}" if unit else base,
        "new": f"{base}?{urlencode({**unit, 'status': 'didisposisikan'})}",
        "overdue": f"{base}?{urlencode({**unit, 'due': 'overdue'})}",
    }


@require_safe
@dashboard_reader_required
def readiness_detail(request: DashboardRequest, slug: str) -> HttpResponse:
    """One OPD: its flags with their rules, operators with contact, last sign-in, last action and training."""
    dash = _dash(request)
    now = timezone.now()
    opd = access_opd_readiness_by_slug(dash, slug, now=now, calendar=work_calendar(request.pemda))
    inbox = _inbox_links(dash, opd)
    return render(
        request,
        "dasbor/readiness_detail.html",
        {
            "opd": opd,
            "dash": dash,
            # Each application with the links to its own list; only the reports' inbox has such links today.
            "modules": [(m, inbox if m.label == LAPOR else {}) for m in opd.modules],
            "rules": _rules(),
            "days": ACTIVE_WITHIN_WORKING_DAYS,
            "may_record_training": request.user.is_superuser,
            "now": now,
        },
    )
