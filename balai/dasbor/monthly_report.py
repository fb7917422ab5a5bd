"""What goes into the monthly PDF for one month and one scope, gathered from the command center's selectors.

STUB (wiring pending): the KPI and table selectors of `balai.dasbor.selectors` (`kpis`, `breakdown`, `trend`,
`opd_ranking`) are not there yet; until they are, the report carries its cover, scope and reading notes with
empty figures. Only this function changes when they land: `export_jobs` and `report_pdf` stay as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from balai.core.models import Unit
from balai.core.selectors import pemda_current

from .tables import Table


@dataclass(frozen=True)
class MonthlyReportData:
    kpis: dict[str, Any]  # label → value, as report_pdf.kpi_text shows it
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (title, SVG from charts.py)
    scope_label: str = ""


def scope_label(unit: Unit | None) -> str:
    if unit is not None:
        return unit.name
    pemda = pemda_current()
    return _("The whole Pemda (%(name)s)") % {"name": pemda.short_name if pemda else "Pemda"}


def monthly_report_data(*, month: dt.date, unit: Unit | None) -> MonthlyReportData:
    return MonthlyReportData(kpis={}, tables=[], charts=[], scope_label=scope_label(unit))
