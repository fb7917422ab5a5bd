"""The public statistics pages: how many reports, how fast, which OPDs keep their deadlines, and the open data.

No sign-in, and only what the public may see: every figure comes from the summary tables with
`Reach.everyone()` (rahasia and archived reports are never counted), so the pages cost the same with a
million reports as with ten. The report file streams in keyset pages (`balai.dasbor.open_data`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, Final

from django.core.cache import cache
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from balai.lapor.models import VERIFY_WORKING_DAYS, WEIGHT_WORKING_DAYS, Weight

from . import charts, open_data
from . import tables as t
from .exports import CSV_CONTENT_TYPE, csv_header, export_response
from .models import Grain, StatCell
from .selectors import Filters, Kpis, Period, Reach, add_months, breakdown, kpis, opd_ranking, trend

DEFAULT_PERIOD: Final = "12-bulan"
# The report file may be an hour old: open data, the same for everyone, kept by browsers and shared caches.
OPEN_DATA_MAX_AGE: Final = 3600
YEAR = re.compile(r"\d{4}", re.ASCII)
MONTH_NUMBER = re.compile(r"\d{1,2}", re.ASCII)


@dataclass(frozen=True)
class PeriodChoice:
    value: str
    label: str
    period: Period


def _first_year(today: date) -> int:
    """The first year with public figures (one look at the summary's key index), at most ten years back."""
    first = StatCell.objects.filter(grain=Grain.MONTH, is_public=True).aggregate(first=Min("period"))["first"]
    return max(first.year if first else today.year, today.year - 9)


def period_choices(today: date) -> list[PeriodChoice]:
    this_month = today.replace(day=1)
    choices = [
        PeriodChoice("bulan-ini", _("This month"), Period(this_month, this_month)),
        PeriodChoice("bulan-lalu", _("Last month"), Period(add_months(this_month, -1), add_months(this_month, -1))),
        PeriodChoice("3-bulan", _("Last 3 months"), Period.months_to(this_month, 3)),
        PeriodChoice("12-bulan", _("Last 12 months"), Period.months_to(this_month, 12)),
    ]
    for year in range(today.year, _first_year(today) - 1, -1):
        if year == today.year:
            label = _("%(year)s (so far)") % {"year": year}
            choices.append(PeriodChoice(str(year), label, Period(date(year, 1, 1), this_month)))
        else:
            choices.append(PeriodChoice(str(year), str(year), Period(date(year, 1, 1), date(year, 12, 1))))
    return choices


def chosen_period(value: str | None, choices: list[PeriodChoice]) -> PeriodChoice:
    """The period asked for, or the last 12 months when the value is missing or not one of the choices."""
    by_value = {c.value: c for c in choices}
    return by_value.get(value or "", by_value[DEFAULT_PERIOD])


@dataclass(frozen=True)
class Tile:
    """One key figure: its value as text, what it is, one line on how to read it."""

    key: str
    value: str
    label: str
    explanation: str


def _days(value: int | None) -> str:
    if value is None:
        return t.EMPTY
    return _("%(days)s working days") % {"days": t.format_int(value)} if value != 1 else _("1 working day")


def _rating_explanation(k: Kpis) -> str:
    if not k.rated:
        return _("Reporters rate the answer with 1 to 5 stars; nobody did in this period.")
    return ngettext(
        "The average of %(count)s rating reporters gave the answer (1 to 5 stars).",
        "The average of %(count)s ratings reporters gave the answer (1 to 5 stars).",
        k.rated,
    ) % {"count": t.format_int(k.rated)}


def _fixed_explanation(k: Kpis) -> str:
    if not k.answered_fixed:
        return _("Reporters are asked “Is it fixed?” after the answer; nobody answered in this period.")
    return _(
        "Reporters are asked “Is it fixed?” after the answer. %(answered)s of %(asked)s answered; this is the share "
        "who said yes."
    ) % {"answered": t.format_int(k.answered_fixed), "asked": t.format_int(k.asked_fixed)}


def kpi_tiles(k: Kpis) -> list[Tile]:
    """The figures of the period in plain words; a dash where there is nothing to measure."""
    fmt = t.format_value
    rating = f"{fmt(k.rating_avg, t.RATING)} / 5" if k.rating_avg is not None else t.EMPTY
    return [
        Tile("received", fmt(k.received, t.INT), _("Reports received"), _("Reports citizens sent in this period.")),
        Tile("verified", fmt(k.verified, t.INT), _("Verified"),
             _("Checked and classified by the coordinator in this period.")),
        Tile("finished", fmt(k.finished, t.INT), _("Finished"), _("Answered or resolved by the OPD in this period.")),
        Tile("sla", fmt(k.sla, t.PCT), _("Finished on time"),
             _("Of the reports finished in this period, the share finished by their deadline.")),
        Tile("verify_days", _days(k.verify_median), _("Time to verify"),
             _("Half of the reports were verified within this time; 9 in 10 within %(p90)s.")
             % {"p90": _days(k.verify_p90)}),
        Tile("finish_days", _days(k.finish_median), _("Time to finish"),
             _("Half of the reports were finished within this time, counted from the day they arrived; 9 in 10 "
               "within %(p90)s.") % {"p90": _days(k.finish_p90)}),
        Tile("rating", rating, _("Rating"), _rating_explanation(k)),
        Tile("fixed", fmt(k.fixed_rate, t.PCT), _("Fixed, say reporters"), _fixed_explanation(k)),
        Tile("open_now", fmt(k.open_now, t.INT), _("Being handled now"),
             _("Reports not yet finished today, whatever the period; %(late)s of them are past their deadline.")
             % {"late": fmt(k.overdue_now, t.INT)}),
    ]  # fmt: skip


# The category and kecamatan tables keep the figures a citizen asks first, so a phone shows short cards; the
# monthly files of the open-data page have every figure.
SLIM_COLUMNS: Final = ("name", "received", "finished", "sla", "finish_median", "open_now")


def _slim(table: t.Table) -> t.Table:
    return replace(table, columns=tuple(c for c in table.columns if c.key in SLIM_COLUMNS))


def _deadlines() -> list[tuple[str, int]]:
    return [(str(Weight(w).label), days) for w, days in WEIGHT_WORKING_DAYS.items()]


def _not_set_up(request: HttpRequest) -> HttpResponse | None:
    """The setup notice of the public pages while there is no Pemda yet (a fresh install)."""
    if getattr(request, "pemda", None) is None:
        return render(request, "lapor/not_configured.html", status=503)
    return None


@dataclass(frozen=True)
class PublicFigures:
    """Everything the statistics page shows for one period, as counted at `as_of`."""

    kpis: Kpis
    months: t.Table
    opds: t.Table
    categories: t.Table
    places: t.Table
    as_of: datetime

    @property
    def tables(self) -> list[t.Table]:
        return [self.months, self.opds, self.categories, self.places]


def _count(period: Period) -> PublicFigures:
    everyone, now = Reach.everyone(), timezone.now()
    return PublicFigures(
        kpis=kpis(period=period, filters=Filters(), reach=everyone, now=now),
        months=trend(grain=Grain.MONTH, period=Period.months_to(period.last, 12), filters=Filters(), reach=everyone),
        opds=opd_ranking(period=period, reach=everyone, now=now),
        categories=_slim(breakdown(by="category", period=period, filters=Filters(), reach=everyone, now=now)),
        places=_slim(breakdown(by="kecamatan", period=period, filters=Filters(), reach=everyone, now=now)),
        as_of=now,
    )


# The page's figures are counted at most once in this many seconds per period and language, for every server
# process at once (the shared cache). The sums come from the summary tables, but "open now" reads the backlog:
# about a second with 50,000 open reports, too much for every visitor. The page says when it counted.
FIGURES_MAX_AGE: Final = 300


def public_figures(period: Period) -> PublicFigures:
    """The figures of `period`, recounted by one request at a time once they are older than FIGURES_MAX_AGE."""
    key = f"dasbor:statistik:1:{period.slug}:{translation.get_language()}"
    stored = cache.get(key)
    now = timezone.now()
    if isinstance(stored, PublicFigures):
        fresh = (now - stored.as_of).total_seconds() < FIGURES_MAX_AGE
        if fresh or not cache.add(f"{key}:busy", 1, 60):
            return stored
    figures = _count(period)
    cache.set(key, figures, FIGURES_MAX_AGE * 12)
    cache.delete(f"{key}:busy")
    return figures


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    if (early := _not_set_up(request)) is not None:
        return early
    choices = period_choices(timezone.localdate())
    choice = chosen_period(request.GET.get("periode"), choices)
    figures = public_figures(choice.period)
    exported = export_response(request, figures.tables, period=choice.period.slug, name="statistik")
    if exported is not None:
        return exported
    context: dict[str, Any] = {
        "choices": choices,
        "choice": choice,
        "period": choice.period,
        "figures": figures,
        "tiles": kpi_tiles(figures.kpis),
        "months_chart": charts.trend_chart(
            figures.months,
            x="period",
            series=["received", "finished"],
            title=_("Reports received and finished per month"),
        ),
        "verify_days": VERIFY_WORKING_DAYS,
        "deadlines": _deadlines(),
    }
    return render(request, "dasbor/public_statistics.html", context)


# --- Open data --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    fields: list[tuple[str, str]]


def _year_param(value: str | None, today: date) -> int | None:
    """A year between 2000 and this one, or None (missing or malformed: the whole history)."""
    if not value or not YEAR.fullmatch(value) or not 2000 <= int(value) <= today.year:
        return None
    return int(value)


def _monthly_datasets(year: int | None, slug: str | None) -> list[t.Table]:
    """The monthly tables, or only the one asked for (each reads the summary of the whole history)."""
    first, last = (date(year, 1, 1), date(year, 12, 1)) if year else (None, None)
    wanted = [by for by, (_column, table_slug, _title) in open_data.MONTHLY_BY.items() if table_slug == slug]
    return [open_data.monthly_table(by=by, first=first, last=last) for by in wanted or open_data.MONTHLY_BY]


@require_safe
def open_data_page(request: HttpRequest) -> HttpResponse:
    if (early := _not_set_up(request)) is not None:
        return early
    today = timezone.localdate()
    year = _year_param(request.GET.get("tahun"), today)
    if request.GET.get("format"):
        exported = export_response(
            request,
            _monthly_datasets(year, request.GET.get("table")),
            period=str(year) if year else "semua",
            name="statistik-bulanan",
        )
        if exported is not None:
            return exported
    years = list(range(today.year, _first_year(today) - 1, -1))
    monthly = []
    for by, (_column, slug, title) in open_data.MONTHLY_BY.items():
        fields = [(csv_header(c), str(open_data.MONTHLY_MEANINGS[c.key])) for c in open_data.monthly_columns(by)]
        monthly.append(Dataset(slug, str(title), fields))
    context = {
        "fields": open_data.REPORT_FIELDS,
        "years": years,
        "months": [(m, formats.date_format(date(today.year, m, 1), "F")) for m in range(1, 13)],
        "monthly": monthly,
        "year": year,
    }
    return render(request, "dasbor/public_open_data.html", context)


def _month_bounds(year: int, month: int | None) -> tuple[datetime, datetime]:
    """Local midnight at the start of the year (or month) and of the next, as aware datetimes."""
    tz = timezone.get_current_timezone()
    first = date(year, month or 1, 1)
    after = add_months(first, 1) if month else date(year + 1, 1, 1)
    return datetime.combine(first, time(), tz), datetime.combine(after, time(), tz)


@require_safe
def open_data_reports(request: HttpRequest) -> HttpResponseBase:
    """The public reports as CSV, streamed; `?tahun=2026` or `?tahun=2026&bulan=3` for one year or month."""
    today = timezone.localdate()
    year_text, month_text = request.GET.get("tahun", ""), request.GET.get("bulan", "")
    year = _year_param(year_text, today)
    month = int(month_text) if MONTH_NUMBER.fullmatch(month_text) and 1 <= int(month_text) <= 12 else None
    if (year_text and year is None) or (month_text and (month is None or year is None)):
        return HttpResponseBadRequest(
            _("Give tahun as a year from 2000 to %(year)s and bulan as 1 to 12 (with a year), or neither.")
            % {"year": today.year},
            content_type="text/plain; charset=utf-8",
        )
    start, end = _month_bounds(year, month) if year else (None, None)
    pemda = getattr(request, "pemda", None)
    parts = ["laporan-publik", slugify(pemda.short_name) if pemda else ""]
    parts.append(f"{year}-{month:02d}" if year and month else str(year) if year else "semua")
    # A HEAD asks for the headers only: a server would still run the iterator to the end, reading every row.
    rows = iter(()) if request.method == "HEAD" else open_data.report_csv_chunks(start=start, end=end)
    response = StreamingHttpResponse(rows, content_type=CSV_CONTENT_TYPE)
    filename = "-".join(p for p in parts if p) + ".csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    response["Cache-Control"] = f"public, max-age={OPEN_DATA_MAX_AGE}"
    return response
