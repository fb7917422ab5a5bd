"""What goes into the monthly PDF for one month and one scope, from the command center's own selectors.

The report shows what the command center shows for that month, so the two never disagree: the key figures
(`selectors.kpis`), the OPD ranking, the breakdowns by category and kecamatan, the trend of the last six months
and of the last twelve weeks, and the open reports by status. Nothing but counts, shares and durations.
"Open" and "overdue" are counted at the moment the report is made, as on the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.models import Unit
from balai.core.registry import registry
from balai.core.selectors import pemda_current

from . import charts
from . import tables as t
from .models import Grain
from .selectors import Filters, Period, Reach, add_months, breakdown, kpis, opd_ranking, status_shares, trend

TREND_MONTHS = 6
CHART_ROWS = 10  # a bar chart shows the first ten rows; the table under it has them all


@dataclass(frozen=True)
class MonthlyReportData:
    kpis: dict[str, Any]  # label → value, as report_pdf.kpi_text shows it
    tables: list[t.Table] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (title, SVG from charts.py)
    scope_label: str = ""


def scope_label(unit: Unit | None) -> str:
    if unit is not None:
        return unit.name
    pemda = pemda_current()
    return _("The whole Pemda (%(name)s)") % {"name": pemda.short_name if pemda else "Pemda"}


def _top(table: t.Table, key: str, count: int = CHART_ROWS) -> t.Table:
    """The rows with the largest `key` (an empty value counts as none), for a chart that must fit a page."""
    rows = sorted(table.rows, key=lambda row: -(row.get(key) or 0))[:count]
    return replace(table, rows=tuple(rows))


def module_tables(first: dt.date, last: dt.date) -> list[t.Table]:
    """Every module's sections of the month (`registry.report_sections`) as tables the PDF prints after its own."""
    tables = []
    for _module, section in registry.report_sections(first, last):
        keys = [f"c{i}" for i in range(len(section.columns))]
        tables.append(
            t.Table(
                slug=section.key,
                title=str(section.title),
                columns=tuple(
                    t.Column(key, str(column.label), t.INT if column.numeric else t.TEXT)
                    for key, column in zip(keys, section.columns, strict=True)
                ),
                rows=tuple(dict(zip(keys, row, strict=True)) for row in section.rows),
                note=" ".join(str(note) for note in section.notes),
            )
        )
    return tables


def monthly_report_data(*, month: dt.date, unit: Unit | None, now: dt.datetime | None = None) -> MonthlyReportData:
    now = now or timezone.now()
    period = Period(first=month, last=month)
    reach = Reach() if unit is None else Reach(units=frozenset({unit.pk}))
    filters = Filters()
    figures = kpis(period=period, filters=filters, reach=reach, now=now)
    key_figures: dict[str, Any] = {
        _("Reports received"): figures.received,
        _("Finished"): figures.finished,
        _("Finished on time"): (figures.sla, t.PCT),
        _("Median working days to finish"): (figures.finish_median, t.DAYS),
        _("Open now"): figures.open_now,
        _("Overdue now"): figures.overdue_now,
        _("Average rating (1–5)"): (figures.rating_avg, t.RATING),
        _("Reopened by the reporter"): figures.reopened,
        _("Reporters who say it is fixed"): (figures.fixed_rate, t.PCT),
    }

    months = trend(
        grain=Grain.MONTH,
        period=Period(first=add_months(month, -(TREND_MONTHS - 1)), last=month),
        filters=filters,
        reach=reach,
    )
    weeks = trend(grain=Grain.WEEK, period=period, filters=filters, reach=reach)
    statuses = status_shares(filters=filters, reach=reach)
    by_category = breakdown(by="category", period=period, filters=filters, reach=reach, now=now)
    by_kecamatan = breakdown(by="kecamatan", period=period, filters=filters, reach=reach, now=now)

    drawn: list[tuple[str, str]] = [
        (
            _("Received and finished, month by month"),
            charts.trend_chart(months, x="period", series=["received", "finished"], chart_id="pdf-months"),
        ),
        (
            _("Finished on time, week by week"),
            charts.trend_chart(weeks, x="period", series=["sla"], style="lines", chart_id="pdf-weeks"),
        ),
    ]
    report_tables: list[t.Table] = []
    if unit is None:
        ranking = opd_ranking(period=period, reach=reach, now=now)
        drawn.append(
            (
                _("Open reports now: the OPD with the most"),
                charts.bar_chart(_top(ranking, "open_now"), label="name", value="open_now", chart_id="pdf-open"),
            )
        )
        report_tables.append(ranking)
    drawn += [
        (
            _("Open reports now, by status"),
            charts.share_chart(statuses, label="status", value="n", chart_id="pdf-status"),
        ),
        (
            _("Reports received, by category"),
            charts.bar_chart(_top(by_category, "received"), label="name", value="received", chart_id="pdf-category"),
        ),
    ]
    report_tables += [by_category, by_kecamatan, months, statuses]
    if unit is None:  # the other modules' parts are the Pemda's, not one OPD's
        report_tables += module_tables(month, add_months(month, 1) - dt.timedelta(days=1))
    return MonthlyReportData(kpis=key_figures, tables=report_tables, charts=drawn, scope_label=scope_label(unit))
