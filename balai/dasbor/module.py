"""What the command center brings to the platform's menus and worker (balai.core.registry)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import DatasetColumn, GeneratedDataset, MenuEntry, Module, PeriodicCheck


def _reads_dashboard(scope: StaffScope) -> bool:
    return scope.sees_all or bool(scope.units)


def periodic_digest(now: datetime) -> dict[str, int]:
    from .digest import periodic_digest as run

    return run(now)


def periodic_backlog_fold(now: datetime) -> dict[str, int]:
    """Backlog cells of deadlines long past are summed, so that the table does not keep growing."""
    from .summary import backlog_fold

    return {"backlog_cells_folded": backlog_fold(now)}


def statistics_datasets() -> list[GeneratedDataset]:
    """The public statistics' monthly tables (per OPD, per category) for the open-data catalogue."""
    from . import tables
    from .open_data import MONTHLY_BY, MONTHLY_MEANINGS, monthly_columns, monthly_table

    types = {tables.INT: "integer", tables.PCT: "number", tables.DAYS: "number", tables.RATING: "number"}

    def rows(by: str) -> list[list[object]]:
        keys = [c.key for c in monthly_columns(by)]
        table = monthly_table(by=by)
        return [
            [r[k].strftime("%Y-%m") if k == "month" else (round(r[k] * 100, 1) if k == "sla" and r[k] is not None else r[k])
             for k in keys]
            for r in table.rows
        ]  # fmt: skip

    return [
        GeneratedDataset(
            key=f"dasbor-{slug}",
            title=_("Public statistics of citizen reports: %(what)s") % {"what": title},
            description=_(
                "The monthly figures of the public statistics page: reports received, verified and finished, the "
                "share finished on time, working days taken and ratings. Public reports only."
            ),
            columns=tuple(
                DatasetColumn(c.key, c.label, MONTHLY_MEANINGS[c.key], types.get(c.kind, "string"))
                for c in monthly_columns(by)
            ),
            rows=partial(rows, by),
            frequency="monthly",
            tags=("statistik", "laporan warga"),
            source_url="/statistik/",
        )
        for by, (_column, slug, title) in MONTHLY_BY.items()
    ]


MODULE = Module(
    label="dasbor",
    name=_("Command center"),
    staff_menu=(
        MenuEntry(_("Command center"), "dasbor:overview", order=20, visible=_reads_dashboard),
        MenuEntry(_("OPD readiness"), "dasbor:readiness", order=30, visible=_reads_dashboard),
    ),
    public_menu=(MenuEntry(_("Statistics"), "statistik:statistics", order=40),),
    periodic=(
        PeriodicCheck("dasbor.digest", periodic_digest),
        PeriodicCheck("dasbor.backlog_fold", periodic_backlog_fold),
    ),
    datasets=statistics_datasets,
)
