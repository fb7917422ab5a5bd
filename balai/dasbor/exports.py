"""Every table of the command center as a file: CSV for data tools, XLSX for people who work in Excel.

CSV follows RFC 4180 for machines: UTF-8 with a byte-order mark (so Excel detects the encoding), a comma between
fields, quotes only where needed, CRLF line ends, a single header row of column names and then the data, nothing
else; numbers in plain form ("87.5", dates as ISO "2026-01", empty for "nothing measured"), shares written as
percentages with " (%)" in the header. A comma file opens in one column in an Excel set to Indonesian (whose
list separator is ";"), which is why every table also comes as XLSX: typed cells (numbers, percentages, dates),
the title and the note above a bold, frozen header, column widths set, printable on one page width.

Cells that a spreadsheet would run as a formula (text starting with = + - @ or a tab or carriage return) are
neutralised: CSV puts an apostrophe before them (the usual defence, OWASP "CSV injection"); XLSX stores them as
plain text marked with Excel's own quote prefix, so the exact text is kept and never evaluated.
Columns' `link_key` URLs are for the page only and never written to a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from balai.lib.text import FORMULA_STARTS, neutralise

from .tables import DAYS, INT, MONTH, PCT, RATING, WEEK, Column, Table, format_value, rounded

CSV_CONTENT_TYPE: Final = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Where the header row of an exported sheet sits: the title in row 1, the note in row 2, a blank row 3.
XLSX_HEADER_ROW: Final = 4
XLSX_NUMBER_FORMATS: Final = {
    INT: "#,##0",
    PCT: "0.0%",
    DAYS: "0.0",
    RATING: "0.0",
    MONTH: "mmm yyyy",
    WEEK: "d mmm yyyy",
}


def _plain_number(value: Any, places: int = 2) -> str:
    """Plain "87.5", "3", "-0.25": rounded half away from zero, no trailing zeros, never an exponent."""
    text = f"{rounded(value, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def csv_header(column: Column) -> str:
    label = str(column.label)
    return neutralise(f"{label} (%)" if column.kind == PCT else label)


def csv_value(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == INT:
        return _plain_number(value, 0)
    if kind == PCT:
        return _plain_number(Decimal(str(value)) * 100)
    if kind in (DAYS, RATING):
        return _plain_number(value)
    if kind == MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if kind == WEEK and isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_header(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(row.get(c.key), c.kind) for c in table.columns])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX ----------------------------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    # Control characters are not allowed in XLSX; they have no business in a report anyway.
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def _sheet_title(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in _clean_text(title)).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == INT:
        return int(rounded(value, 0))
    if kind in (PCT, DAYS, RATING):
        return float(value)
    if kind in (MONTH, WEEK) and isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    return _clean_text(str(value))


def _write_sheet(ws: Worksheet, table: Table) -> None:
    ws["A1"] = _clean_text(str(table.title))
    ws["A1"].font = Font(bold=True, size=14)
    if table.note:
        ws["A2"] = _clean_text(str(table.note))
        ws["A2"].font = Font(italic=True, color="4A5561")
    header_fill = PatternFill("solid", fgColor="EEF2F6")
    widths = []
    for index, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=XLSX_HEADER_ROW, column=index, value=_clean_text(str(column.label)))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="right" if column.numeric else "left")
        widths.append(max(10, min(len(str(column.label)) + 2, 30)))
    for offset, row in enumerate(table.rows, start=1):
        for index, column in enumerate(table.columns, start=1):
            raw = row.get(column.key)
            cell = ws.cell(row=XLSX_HEADER_ROW + offset, column=index, value=_xlsx_value(raw, column.kind))
            if column.kind in XLSX_NUMBER_FORMATS:
                cell.number_format = XLSX_NUMBER_FORMATS[column.kind]
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.quotePrefix = cell.value.startswith(FORMULA_STARTS)
            shown = format_value(raw, column.kind)
            widths[index - 1] = max(widths[index - 1], min(len(shown) + 2, 60))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last_column = get_column_letter(max(len(table.columns), 1))
    ws.freeze_panes = ws.cell(row=XLSX_HEADER_ROW + 1, column=2 if len(table.columns) > 1 else 1)
    if table.rows:
        ws.auto_filter.ref = f"A{XLSX_HEADER_ROW}:{last_column}{XLSX_HEADER_ROW + len(table.rows)}"
    # Printed: the header on every page, the width of the paper, landscape when the table is wide.
    ws.print_title_rows = f"{XLSX_HEADER_ROW}:{XLSX_HEADER_ROW}"
    ws.page_setup.orientation = "landscape" if len(table.columns) > 5 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def tables_xlsx(tables: Sequence[Table], *, title: str = "") -> bytes:
    """One workbook, one sheet per table, in the given order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        _write_sheet(workbook.create_sheet(_sheet_title(str(table.title), taken)), table)
    if not tables:
        workbook.create_sheet("Sheet")
    workbook.properties.title = _clean_text(title or (str(tables[0].title) if tables else ""))
    workbook.properties.creator = "Balai"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_xlsx(table: Table) -> bytes:
    return tables_xlsx([table], title=str(table.title))


# --- Answering ?format=csv|xlsx on a page ----------------------------------------------------------------------


def export_filename(slug: str, period: str, extension: str) -> str:
    """`<slug>-<period>.<ext>`, e.g. "opd-ranking-2026-01.csv"; the period is made file-name safe."""
    safe_period = slugify(period)
    stem = f"{slugify(slug) or 'tabel'}-{safe_period}" if safe_period else slugify(slug) or "tabel"
    return f"{stem}.{extension}"


def file_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    # Internal figures: never kept by a shared cache or the browser's back/forward cache.
    response["Cache-Control"] = "private, no-store"
    return response


def export_response(
    request: HttpRequest, tables: Table | Sequence[Table], *, period: str, name: str = "dasbor"
) -> HttpResponse | None:
    """The file a page's export link asks for, or None when the request is not an export (show the page).

    `?format=csv&table=<slug>` gives one table as CSV; `?format=xlsx&table=<slug>` one table as XLSX; `?format=xlsx`
    alone every table of the page in one workbook named `<name>-<period>.xlsx`. An unknown table is a 404.
    Call it after the tables were built for the reader's scope: it adds no permission of its own.
    """
    fmt = request.GET.get("format")
    if fmt not in ("csv", "xlsx"):
        return None
    choices = [tables] if isinstance(tables, Table) else list(tables)
    slug = request.GET.get("table")
    if slug:
        chosen = [t for t in choices if t.slug == slug]
        if not chosen:
            raise Http404("No such table on this page.")
    elif len(choices) == 1 or fmt == "xlsx":
        chosen = choices
    else:
        raise Http404("Say which table to export as CSV.")
    if fmt == "csv":
        table = chosen[0]
        return file_response(
            table_csv(table), filename=export_filename(table.slug, period, "csv"), content_type=CSV_CONTENT_TYPE
        )
    stem = chosen[0].slug if len(chosen) == 1 else name
    return file_response(
        tables_xlsx(chosen, title=str(chosen[0].title) if len(chosen) == 1 else name),
        filename=export_filename(stem, period, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
