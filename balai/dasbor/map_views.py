"""The command-center map: a page that works without JavaScript, and the points its map draws (JSON)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from balai.core.models import Unit, UnitKind, Wilayah
from balai.core.selectors import work_calendar
from balai.lapor.forms import BalaiForm
from balai.lapor.models import Category, Status

from .access import DashboardRequest, DashboardScope, dashboard_reader_required
from .map import (
    LIST_LIMIT,
    MAP_LIMIT,
    MARKER_GLYPHS,
    PERIODS,
    POINT_FIELDS,
    MapFilters,
    MapPoint,
    MapResult,
    map_points,
)

GROUP_CHOICES = [
    ("open", gettext_lazy("Open reports")),
    ("overdue", gettext_lazy("Overdue")),
    ("finished", gettext_lazy("Finished")),
    ("all", gettext_lazy("All statuses")),
]
PERIOD_LABELS = {
    30: gettext_lazy("Last 30 days"),
    90: gettext_lazy("Last 90 days"),
    365: gettext_lazy("Last 12 months"),
}
# The legend of the map: marker class, glyph, label.
LEGEND = [
    (marker, MARKER_GLYPHS[marker], label)
    for marker, label in (
        ("late", gettext_lazy("Overdue")),
        ("new", gettext_lazy("At the coordinator: new, verified or awaiting clarification")),
        ("opd", gettext_lazy("With the OPD: dispatched or in progress")),
        ("done", gettext_lazy("Finished")),
        ("closed", gettext_lazy("Closed otherwise: not our authority or archived")),
    )
]


class MapFilterForm(BalaiForm):
    """The map's filters; an OPD reader can only choose among their own OPD."""

    group = forms.ChoiceField(label=gettext_lazy("Reports"), choices=GROUP_CHOICES, required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    unit = forms.ChoiceField(label=gettext_lazy("OPD"), required=False)
    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False)
    period = forms.TypedChoiceField(
        label=gettext_lazy("When received"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("Any time")), *((str(days), PERIOD_LABELS[days]) for days in PERIODS)],
    )

    def __init__(self, *args: Any, dash: DashboardScope, pemda_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext_lazy("All categories"))] + [  # type: ignore[attr-defined]
            (c.slug, c.name) for c in Category.objects.filter(is_active=True).order_by("name")
        ]
        self.fields["kecamatan"].choices = [("", gettext_lazy("All kecamatan"))] + [  # type: ignore[attr-defined]
            (w.code, w.name) for w in Wilayah.objects.kecamatan_of(pemda_code).order_by("name")
        ]
        units = Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("name")
        if dash.whole_pemda:
            self.fields["unit"].choices = [  # type: ignore[attr-defined]
                ("", gettext_lazy("All OPD")),
                ("none", gettext_lazy("Not dispatched yet")),
                *((u.slug, u.short_name or u.name) for u in units),
            ]
        else:
            own = [(u.slug, u.short_name or u.name) for u in units.filter(pk__in=dash.units)]
            if len(own) > 1:
                self.fields["unit"].choices = [("", gettext_lazy("All my OPD")), *own]  # type: ignore[attr-defined]
            else:
                del self.fields["unit"]

    @property
    def active_count(self) -> int:
        """How many filters narrow the map (the group is always set)."""
        data = getattr(self, "cleaned_data", {})
        return sum(1 for name in ("category", "unit", "kecamatan", "period") if data.get(name))

    def filters(self) -> MapFilters:
        """The valid choices; a value that is not allowed (another OPD, a made-up slug) is left out."""
        self.is_valid()
        data = self.cleaned_data
        return MapFilters(
            group=data.get("group") or "open",
            category=data.get("category") or "",
            unit=data.get("unit") or "",
            kecamatan=data.get("kecamatan") or "",
            period=data.get("period") or None,
        )


def _form(request: DashboardRequest) -> MapFilterForm:
    dash: DashboardScope = request.dash
    return MapFilterForm(request.GET, dash=dash, pemda_code=request.pemda.wilayah_id)


def _deadline_window() -> tuple[Any, Any]:
    now = timezone.now()
    return now, work_calendar().add_working_days(now, 1)


def _query(filters: MapFilters) -> str:
    """The filters as a query string, the defaults left out."""
    params = {
        "group": "" if filters.group == "open" else filters.group,
        "category": filters.category,
        "unit": filters.unit,
        "kecamatan": filters.kecamatan,
        "period": str(filters.period or ""),
    }
    return urlencode({k: v for k, v in params.items() if v})


def inbox_query(filters: MapFilters, dash: DashboardScope) -> str:
    """The same reports in the inbox's own filters (it has no period filter; its OPD filter is for coordinators)."""
    status = {"open": "", "overdue": "", "finished": Status.SELESAI, "all": "all"}[filters.group]
    params = {
        "status": status,
        "due": "overdue" if filters.group == "overdue" else "",
        "category": filters.category,
        "kecamatan": filters.kecamatan,
        "unit": filters.unit if dash.whole_pemda else "",
    }
    return urlencode({k: v for k, v in params.items() if v})


def _with_places(points: list[MapPoint]) -> list[tuple[MapPoint, str]]:
    """The listed points with the name of their kelurahan (one query for the whole list)."""
    names = dict(Wilayah.objects.filter(code__in={p.kelurahan_id for p in points}).values_list("code", "name"))
    return [(point, names.get(point.kelurahan_id, "")) for point in points]


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)


def count_sentence(result: MapResult) -> str:
    if not result.total:
        return _("No report with a marked place matches these filters.")
    if result.total_at_least:
        return _("More than %(n)s reports with a marked place match these filters.") % {"n": _number(result.total)}
    return ngettext(
        "%(n)s report with a marked place matches these filters.",
        "%(n)s reports with a marked place match these filters.",
        result.total,
    ) % {"n": _number(result.total)}


def map_sentence(result: MapResult) -> str:
    if not result.total:
        return _("No report with a marked place matches these filters.")
    if not result.capped:
        return ngettext("%(n)s report is on the map.", "All %(n)s reports are on the map.", result.total) % {
            "n": _number(result.total)
        }
    if result.total_at_least:
        text = _("Showing the %(shown)s newest of more than %(n)s reports. Narrow the filters to see the others.")
    else:
        text = _("Showing the %(shown)s newest of %(n)s reports. Narrow the filters to see the others.")
    return text % {"shown": _number(len(result.points)), "n": _number(result.total)}


@require_safe
@dashboard_reader_required
def map_page(request: DashboardRequest) -> HttpResponse:
    dash: DashboardScope = request.dash
    pemda = request.pemda
    form = _form(request)
    filters = form.filters()
    now, soon = _deadline_window()
    result = map_points(dash, filters, now=now, soon=soon, limit=LIST_LIMIT)
    query = _query(filters)
    inbox = inbox_query(filters, dash)
    here = reverse("dasbor:map")
    groups = []
    for value, label in GROUP_CHOICES:
        other = _query(replace(filters, group=value))
        groups.append((value, label, here + (f"?{other}" if other else ""), value == filters.group))
    return render(
        request,
        "dasbor/map.html",
        {
            "form": form,
            "filters": filters,
            "dash": dash,
            "result": result,
            "rows": _with_places(result.points),
            "groups": groups,
            "count_sentence": count_sentence(result),
            "list_limit": LIST_LIMIT,
            "points_url": reverse("dasbor:map_points") + (f"?{query}" if query else ""),
            "inbox_url": reverse("staff:inbox") + (f"?{inbox}" if inbox else ""),
            "legend": LEGEND,
            "now": now,
            "soon": soon,
            "map": {
                "tile_url": settings.MAP_TILE_URL,
                "attribution": settings.MAP_ATTRIBUTION,
                # Strings, not numbers: the template would localise numbers ("1,36" in Indonesian).
                "bounds": ",".join(
                    str(v) for v in (pemda.min_latitude, pemda.min_longitude, pemda.max_latitude, pemda.max_longitude)
                ),
            },
        },
    )


@require_safe
@dashboard_reader_required
@gzip_page
def map_points_json(request: DashboardRequest) -> JsonResponse:
    """The points of the map: tracking code, place, status and a short display title; never who reported."""
    dash: DashboardScope = request.dash
    filters = _form(request).filters()
    now, soon = _deadline_window()
    result = map_points(dash, filters, now=now, soon=soon, limit=MAP_LIMIT)
    response = JsonResponse(
        {
            "fields": POINT_FIELDS,
            "points": [point.as_row() for point in result.points],
            "capped": result.capped,
            "total": result.total,
            "total_at_least": result.total_at_least,
            "summary": map_sentence(result),
            "statuses": {value: str(label) for value, label in Status.choices},
            "due": {
                "over": _("Overdue"),
                "soon": _("Due within a working day"),
                "paused": _("Paused: waiting for the reporter"),
            },
        }
    )
    response["Cache-Control"] = "private, no-cache"
    return response
