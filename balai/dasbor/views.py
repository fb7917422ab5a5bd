"""The command center: KPIs, trends, breakdowns and the OPD ranking for a period, within the reader's reach."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from balai.core.models import Unit
from balai.core.registry import Kpi, Module, UnitReadiness, registry
from balai.lapor.models import Category

from . import charts
from .access import DashboardRequest, dashboard_reader_required
from .exports import export_response
from .forms import DashboardFilterForm
from .models import Grain
from .selectors import OpenNow, Reach, breakdown, kpis, opd_ranking, status_shares, trend
from .tables import sort_table

WALL_REFRESH_SECONDS = 300


# The page's own figures are the reports' (lapor's): its headline figures would repeat them.
PAGE_MODULE = "lapor"


def module_kpis(unit_ids: frozenset[int] | None, now: Any) -> list[tuple[Module, list[Kpi]]]:
    """The headline figures of every other registered module, for the reader's reach (None: the whole Pemda)."""
    return [
        (module, module.kpis(unit_ids, now))
        for module in registry
        if module.kpis is not None and module.label != PAGE_MODULE
    ]


# Not-ready units shown open on the page; more fold behind a "show" (the page stays short on a phone).
UNITS_SHOWN_OPEN = 10


def unit_readiness(unit_ids: frozenset[int] | None, now: Any) -> list[dict[str, Any]]:
    """Every module's units that are not OPD (kelurahan, desa) within the reach: how many are ready, and those
    that are not with the module's reason, in the module's order."""
    found: list[dict[str, Any]] = []
    for module, units in registry.unit_readiness(unit_ids, now):
        not_ready: list[UnitReadiness] = [u for u in units if not u.ready]
        found.append(
            {
                "module": module,
                "total": len(units),
                "ready": len(units) - len(not_ready),
                "not_ready": not_ready,
                "folded": len(not_ready) > UNITS_SHOWN_OPEN,
            }
        )
    return found


@require_safe
@dashboard_reader_required
def overview(request: DashboardRequest) -> HttpResponse:
    dash = request.dash
    pemda = request.pemda
    reach = Reach.of(dash)
    form = DashboardFilterForm(request.GET or None, pemda_code=pemda.wilayah_id, units=reach.units)
    period, filters, by, preset = form.chosen()
    now = timezone.now()
    unit_slugs = dict(Unit.objects.values_list("pk", "slug"))
    category_slugs = dict(Category.objects.values_list("pk", "slug"))
    keep = {k: v for k, v in request.GET.items() if k in ("periode", "opd", "kategori", "kecamatan", "per", "layar")}

    def link(dimension: str, key: Any) -> str | None:
        """The same page narrowed to one row: the drill-down of every table."""
        param = {"unit": "opd", "category": "kategori", "kecamatan": "kecamatan"}.get(dimension)
        value = {"unit": unit_slugs, "category": category_slugs}.get(dimension, {}).get(key, key)
        if param is None or not value:
            return None
        return "?" + urlencode({**keep, param: value})

    open_now = OpenNow.read(reach, now)  # one read of the backlog serves every table of the page
    figures = kpis(period=period, filters=filters, reach=reach, now=now, open_now=open_now)
    trend_table = trend(
        grain=Grain.MONTH if period.months >= 3 else Grain.WEEK, period=period, filters=filters, reach=reach
    )
    by_table = breakdown(by=by, period=period, filters=filters, reach=reach, now=now, link=link, open_now=open_now)
    ranking = sort_table(
        opd_ranking(period=period, reach=reach, now=now, link=link, open_now=open_now), request.GET.get("urut")
    )
    statuses = status_shares(filters=filters, reach=reach, open_now=open_now)
    tables = [ranking, trend_table, by_table, statuses]
    exported = export_response(request, tables, period=period.slug, name="dasbor")
    if exported is not None:
        return exported

    inbox = reverse("staff:inbox")
    narrowing = {
        "unit": unit_slugs.get(filters.unit) if filters.unit else "",
        "category": category_slugs.get(filters.category) if filters.category else "",
        "kecamatan": filters.kecamatan or "",
    }

    def inbox_link(**params: str) -> str:
        return inbox + "?" + urlencode({k: v for k, v in {**narrowing, **params}.items() if v})

    wall = request.GET.get("layar") == "penuh"
    context = {
        "module_kpis": module_kpis(dash.units if not dash.whole_pemda else None, now),
        "unit_readiness": unit_readiness(dash.units if not dash.whole_pemda else None, now),
        "form": form,
        "period": period,
        "preset": preset,
        "k": figures,
        "dash": dash,
        "wall": wall,
        "interactive": not wall,
        "refresh": WALL_REFRESH_SECONDS,
        "refresh_minutes": WALL_REFRESH_SECONDS // 60,
        "now": now,
        "wall_url": "?" + urlencode({**keep, "layar": "penuh"}),
        "normal_url": "?" + urlencode({k: v for k, v in keep.items() if k != "layar"}),
        "links": {
            "open": inbox_link(),
            "overdue": inbox_link(due="overdue"),
            "verify_overdue": inbox_link(status="diterima", due="overdue"),
            "map": reverse("dasbor:map") + "?" + urlencode({k: v for k, v in narrowing.items() if v}),
        },
        "trend": (trend_table, charts.trend_chart(trend_table, x="period", series=["received", "finished"],
                                                  title=_("Received and finished"))),
        "by": (by_table, charts.bar_chart(by_table, label="name", value="received", title=by_table.title)),
        "ranking": ranking,
        "statuses": (statuses, charts.share_chart(statuses, label="status", value="n")),
    }  # fmt: skip
    return render(request, "dasbor/overview.html", context)
