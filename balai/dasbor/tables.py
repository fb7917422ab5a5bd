"""The tables of the command center: one typed structure shown as HTML, charted, and exported (CSV, XLSX, PDF).

A selector returns a `Table`; the page renders it with `dasbor/_table.html`, a chart in `charts.py` draws from the
same rows, and `exports.py` writes it to a file. Values stay raw (numbers, dates, None) until they are shown, so
each output formats them its own way: Indonesian (or English) text on the page, typed cells in a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from django.utils import formats

# The kinds of column a Table may hold.
TEXT: Final = "text"
INT: Final = "int"
PCT: Final = "pct"  # a share, 0..1 (or None when there is nothing to divide)
DAYS: Final = "days"  # a duration in (working) days, with decimals
RATING: Final = "rating"  # a citizen rating, 1..5
MONTH: Final = "month"  # a date: the month it falls in
WEEK: Final = "week"  # a date: the first day of the week
KINDS: Final = frozenset({TEXT, INT, PCT, DAYS, RATING, MONTH, WEEK})
NUMERIC_KINDS: Final = frozenset({INT, PCT, DAYS, RATING})

# What an empty cell shows: a dash reads as "nothing to measure", where a 0 would claim a measurement.
EMPTY: Final = "—"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # already translated (lazy or str)
    kind: str = TEXT
    link_key: str | None = None  # the row key holding a URL for this cell (HTML only, never exported)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; expected one of {sorted(KINDS)}.")

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class Cell:
    """One cell ready for a template: its text, whether it is a number (right-aligned), its link if any."""

    text: str
    numeric: bool
    href: str = ""
    empty: bool = False
    label: str = ""  # the column's label, shown beside the value when a phone stacks the table


@dataclass(frozen=True)
class Table:
    slug: str  # file-name safe, e.g. "opd-ranking"
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    note: str = ""  # e.g. the rule or the period, printed under the table and in exports

    def __post_init__(self) -> None:
        if not self.slug or not all(c.isascii() and (c.isalnum() or c in "-_") for c in self.slug):
            raise ValueError(f"A table slug must be ASCII letters, digits, - or _: {self.slug!r}.")
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Duplicate column keys in table {self.slug!r}.")

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"Table {self.slug!r} has no column {key!r}.")

    def display_rows(self) -> list[list[Cell]]:
        """The rows as formatted cells in the active language, for `dasbor/_table.html`."""
        out = []
        for row in self.rows:
            cells = []
            for column in self.columns:
                value = row.get(column.key)
                href = str(row.get(column.link_key) or "") if column.link_key else ""
                cells.append(
                    Cell(format_value(value, column.kind), column.numeric, href, value in (None, ""), str(column.label))
                )
            out.append(cells)
        return out


def rounded(value: float | int | Decimal, places: int) -> Decimal:
    """Half away from zero, as people round (Python's round() and Django's number_format do not: 3.25 → 3,2)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_int(value: float | int | Decimal) -> str:
    return formats.number_format(rounded(value, 0), 0, force_grouping=True)


def format_decimal(value: float | int | Decimal, places: int = 1) -> str:
    return formats.number_format(rounded(value, places), places, force_grouping=True)


def format_pct(value: float) -> str:
    """0.875 → "87,5%" in Indonesian, "87.5%" in English: one decimal, so 99.6% never shows as a full 100%."""
    return f"{format_decimal(Decimal(str(value)) * 100, 1)}%"


def format_month(value: dt.date) -> str:
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def format_week(value: dt.date) -> str:
    """The first day of the week, short: "5 Jan 2026"."""
    return formats.date_format(value, "j M Y")


def format_value(value: Any, kind: str) -> str:
    """A cell as text in the active language; None (nothing measured) is a dash."""
    if value is None or value == "":
        return EMPTY
    if kind == INT:
        return format_int(value)
    if kind == PCT:
        return format_pct(value)
    if kind in (DAYS, RATING):
        return format_decimal(value, 1)
    if kind == MONTH:
        return format_month(value)
    if kind == WEEK:
        return format_week(value)
    return str(value)


def sort_table(table: Table, sort: str | None) -> Table:
    """The table ordered by `sort` ("key" ascending, "-key" descending), empty cells last; unknown keys change nothing.

    Text sorts without regard to case; the order is stable, so equal values keep the selector's order.
    """
    if not sort:
        return table
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in {c.key for c in table.columns}:
        return table
    present = [r for r in table.rows if r.get(key) not in (None, "")]
    missing = [r for r in table.rows if r.get(key) in (None, "")]

    def value(row: dict[str, Any]) -> Any:
        v = row[key]
        return v.casefold() if isinstance(v, str) else v

    present.sort(key=value, reverse=descending)
    return replace(table, rows=(*present, *missing))
