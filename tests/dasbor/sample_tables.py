"""Hand-made tables for the table, chart and export tests (the selectors' tables have the same shape)."""

from __future__ import annotations

from datetime import date

from balai.dasbor.tables import DAYS, INT, MONTH, PCT, RATING, WEEK, Column, Table


def opd_ranking() -> Table:
    return Table(
        slug="opd-ranking",
        title="OPD ranking",
        columns=(
            Column("opd", "OPD", link_key="url"),
            Column("received", "Received", INT),
            Column("backlog", "Open", INT),
            Column("on_time", "On time", PCT),
            Column("median_days", "Median working days", DAYS),
            Column("rating", "Average rating", RATING),
        ),
        rows=(
            {"opd": "Dinas PUPR", "url": "/staf/x/pupr/", "received": 1234, "backlog": 40, "on_time": 0.875,
             "median_days": 3.25, "rating": 4.25},
            {"opd": "Dinas Kesehatan", "url": "/staf/x/dinkes/", "received": 210, "backlog": 10, "on_time": 1.0,
             "median_days": 2.0, "rating": 4.5},
            {"opd": "Satpol PP", "url": "/staf/x/satpol/", "received": 0, "backlog": 0, "on_time": None,
             "median_days": None, "rating": None},
        ),
        note="January 2026",
    )  # fmt: skip


def monthly_trend() -> Table:
    return Table(
        slug="trend",
        title="Received and finished per month",
        columns=(Column("month", "Month", MONTH), Column("received", "Received", INT), Column("done", "Finished", INT)),
        rows=tuple({"month": date(2025, m, 1), "received": 10 * m, "done": 8 * m} for m in range(1, 13)),
    )


def weekly_rate() -> Table:
    return Table(
        slug="weekly",
        title="On time per week",
        columns=(Column("week", "Week", WEEK), Column("rate", "On time", PCT)),
        rows=(
            {"week": date(2026, 1, 5), "rate": 0.5},
            {"week": date(2026, 1, 12), "rate": None},
            {"week": date(2026, 1, 19), "rate": 0.75},
            {"week": date(2026, 1, 26), "rate": 1.0},
        ),
    )


def status_shares() -> Table:
    return Table(
        slug="status",
        title="Reports by status",
        columns=(Column("status", "Status"), Column("count", "Reports", INT)),
        rows=(
            {"status": "Selesai", "count": 60},
            {"status": "Diproses", "count": 30},
            {"status": "Diterima", "count": 10},
        ),
    )
