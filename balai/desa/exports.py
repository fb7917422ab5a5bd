"""CSV and XLSX of the module's tables (openpyxl, already a dependency), and the report type's XLSX template."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from .models import FieldKind, ReportType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], fmt: str) -> HttpResponse:
    header = [str(h) for h in header]
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.worksheets[0]
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def template_xlsx(report_type: ReportType) -> bytes:
    """The spreadsheet a lurah fills and attaches to an email: code in A, label in B, the value in C."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = report_type.slug[:30]
    sheet.append(["kode", "isian", "nilai"])
    for field in report_type.fields.all():
        if field.kind == FieldKind.ATTACHMENT:
            continue
        hint = f" ({' / '.join(field.choice_list)})" if field.choice_list else ""
        sheet.append([field.key, field.label + hint, None])
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 30
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
