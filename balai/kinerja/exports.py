"""Downloads of the module's tables: CSV, XLSX (openpyxl) and the LKjIP table as PDF (fpdf2)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return "" if value is None else value


def table_response(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active or book.create_sheet()
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([_plain(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(h) for h in headers])
        writer.writerows([_plain(v) for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def pdf_response(
    filename: str, title: str, subtitle: str, headers: Sequence[str], rows: Iterable[Sequence[str]]
) -> HttpResponse:
    from fpdf import FPDF

    from balai.lib.pdf import add_fonts, printable

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    font = add_fonts(pdf)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font(font, "B", 13)
    pdf.multi_cell(0, 7, printable(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    pdf.multi_cell(0, 5, printable(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (24, 92, 56, 20, 22, 22, 20, 21)
    with pdf.table(col_widths=widths, line_height=4) as table:
        pdf.set_font(font, "", 7)
        head = table.row()
        for h in headers:
            head.cell(printable(str(h)))
        for row in rows:
            line = table.row()
            for value in row:
                line.cell(printable(str(value)))
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
