"""CSV and XLSX exports: what is read back equals what was written, typed, and never a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from openpyxl import load_workbook

from balai.dasbor.exports import (
    XLSX_HEADER_ROW,
    export_filename,
    export_response,
    table_csv,
    table_xlsx,
    tables_xlsx,
)
from balai.dasbor.tables import INT, Column, Table

from .sample_tables import monthly_trend, opd_ranking, weekly_rate

DANGEROUS = ["=1+1", "+62 811", "-2+3", "@SUM(A1)", "\t=cmd", '=HYPERLINK("http://evil.example","klik")']


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "a byte-order mark so that Excel reads UTF-8"
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_round_trip_gives_plain_machine_readable_values():
    rows = read_csv(table_csv(opd_ranking()))
    assert rows[0] == ["OPD", "Received", "Open", "On time (%)", "Median working days", "Average rating"]
    assert rows[1] == ["Dinas PUPR", "1234", "40", "87.5", "3.25", "4.25"]
    assert rows[2] == ["Dinas Kesehatan", "210", "10", "100", "2", "4.5"]
    assert rows[3] == ["Satpol PP", "0", "0", "", "", ""]
    assert len(rows) == 4


def test_csv_ignores_the_display_language_and_never_writes_links():
    with translation.override("id"):
        content = table_csv(opd_ranking())
    assert b"87.5" in content
    assert b"87,5" not in content
    assert b"/staf/x/" not in content


def test_csv_writes_months_and_weeks_as_iso_dates():
    assert read_csv(table_csv(monthly_trend()))[1] == ["2025-01", "10", "8"]
    assert read_csv(table_csv(weekly_rate()))[1:3] == [["2026-01-05", "50"], ["2026-01-12", ""]]


def test_csv_quotes_commas_quotes_and_line_breaks():
    table = Table(slug="t", title="T", columns=(Column("a", "A"), Column("n", "N", INT)),
                  rows=({"a": 'Jl. Sam Ratulangi, "depan pasar"\nBitung', "n": 1},))  # fmt: skip
    assert read_csv(table_csv(table))[1] == ['Jl. Sam Ratulangi, "depan pasar"\nBitung', "1"]


def injection_table() -> Table:
    return Table(
        slug="injection",
        title="Injection",
        columns=(Column("text", "=Label"), Column("n", "N", INT)),
        rows=tuple({"text": text, "n": -5} for text in [*DANGEROUS, "Dinas PUPR"]),
    )


def test_csv_neutralises_cells_that_a_spreadsheet_would_run():
    rows = read_csv(table_csv(injection_table()))
    assert rows[0][0] == "'=Label"
    assert [r[0] for r in rows[1:]] == [f"'{text}" for text in DANGEROUS] + ["Dinas PUPR"]
    # A negative number is a number, not a formula.
    assert {r[1] for r in rows[1:]} == {"-5"}


def test_xlsx_round_trip_keeps_types_and_formats():
    book = load_workbook(io.BytesIO(table_xlsx(opd_ranking())))
    sheet = book.active
    assert sheet.title == "OPD ranking"
    assert sheet["A1"].value == "OPD ranking"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "January 2026"
    header = [c.value for c in sheet[XLSX_HEADER_ROW]]
    assert header == ["OPD", "Received", "Open", "On time", "Median working days", "Average rating"]
    assert all(c.font.bold for c in sheet[XLSX_HEADER_ROW])
    assert sheet.freeze_panes == f"B{XLSX_HEADER_ROW + 1}"
    first = sheet[XLSX_HEADER_ROW + 1]
    assert [c.value for c in first] == ["Dinas PUPR", 1234, 40, 0.875, 3.25, 4.25]
    assert isinstance(first[1].value, int)
    assert first[3].number_format == "0.0%"
    assert first[4].number_format == "0.0"
    assert [c.value for c in sheet[XLSX_HEADER_ROW + 3]] == ["Satpol PP", 0, 0, None, None, None]
    assert sheet.max_row == XLSX_HEADER_ROW + 3
    # Columns are wide enough for their longest text, and the header row is printed on every page.
    assert sheet.column_dimensions["A"].width >= len("Dinas Kesehatan")
    assert sheet.print_title_rows == f"${XLSX_HEADER_ROW}:${XLSX_HEADER_ROW}"
    assert sheet.auto_filter.ref == f"A{XLSX_HEADER_ROW}:F{XLSX_HEADER_ROW + 3}"


def test_xlsx_stores_months_and_weeks_as_dates():
    sheet = load_workbook(io.BytesIO(table_xlsx(monthly_trend()))).active
    cell = sheet.cell(row=XLSX_HEADER_ROW + 1, column=1)
    assert cell.value == datetime(2025, 1, 1)  # noqa: DTZ001 - Excel dates have no time zone
    assert cell.is_date
    assert cell.number_format == "mmm yyyy"
    week = load_workbook(io.BytesIO(table_xlsx(weekly_rate()))).active.cell(row=XLSX_HEADER_ROW + 2, column=1)
    assert week.value == datetime(2026, 1, 12)  # noqa: DTZ001


def test_xlsx_never_stores_a_formula_and_keeps_the_exact_text():
    sheet = load_workbook(io.BytesIO(table_xlsx(injection_table()))).active
    cells = [sheet.cell(row=XLSX_HEADER_ROW + i, column=1) for i in range(1, len(DANGEROUS) + 2)]
    assert [c.value for c in cells] == [*DANGEROUS, "Dinas PUPR"]
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells[:-1])
    assert not cells[-1].quotePrefix
    assert sheet.cell(row=XLSX_HEADER_ROW, column=1).data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_drops_control_characters_that_excel_refuses():
    table = Table(slug="t", title="T", columns=(Column("a", "A"),), rows=({"a": "Dinas\x00 PU\x1bPR"},))
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert sheet.cell(row=XLSX_HEADER_ROW + 1, column=1).value == "Dinas PUPR"


def test_a_workbook_has_one_sheet_per_table_with_unique_valid_names():
    tables = [opd_ranking(), Table(slug="b", title="OPD ranking", columns=(Column("a", "A"),), rows=()),
              Table(slug="c", title="Per kecamatan: a/b [2026] and a very long title indeed", columns=(), rows=())]  # fmt: skip
    book = load_workbook(io.BytesIO(tables_xlsx(tables, title="dasbor")))
    assert book.sheetnames == ["OPD ranking", "OPD ranking (2)", "Per kecamatan  a b  2026  and a"]


def test_file_names_carry_the_slug_and_a_safe_period():
    assert export_filename("opd-ranking", "2026-01", "csv") == "opd-ranking-2026-01.csv"
    assert export_filename("opd-ranking", "2026-01-01/2026-01-31", "xlsx") == "opd-ranking-2026-01-012026-01-31.xlsx"
    assert export_filename("status", "", "csv") == "status.csv"


def _get(query: str):
    return RequestFactory().get(f"/staf/dasbor/?{query}")


def test_a_page_request_without_format_is_not_an_export():
    assert export_response(_get("periode=2026-01"), [opd_ranking()], period="2026-01") is None
    assert export_response(_get("format=pdf"), [opd_ranking()], period="2026-01") is None


def test_the_csv_export_answers_with_an_attachment_named_after_the_table_and_period():
    response = export_response(_get("format=csv&table=opd-ranking"), [monthly_trend(), opd_ranking()], period="2026-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="opd-ranking-2026-01.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert read_csv(response.content)[1][0] == "Dinas PUPR"


def test_the_xlsx_export_without_a_table_gives_every_table_of_the_page():
    response = export_response(_get("format=xlsx"), [monthly_trend(), opd_ranking()], period="2026-01", name="dasbor")
    assert response["Content-Disposition"] == 'attachment; filename="dasbor-2026-01.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Received and finished per month", "OPD ranking"]


def test_an_unknown_table_or_an_ambiguous_csv_is_not_found():
    with pytest.raises(Http404):
        export_response(_get("format=csv&table=nope"), [opd_ranking()], period="2026-01")
    with pytest.raises(Http404):
        export_response(_get("format=csv"), [opd_ranking(), monthly_trend()], period="2026-01")
    single = export_response(_get("format=csv"), opd_ranking(), period="2026-01")
    assert single["Content-Disposition"] == 'attachment; filename="opd-ranking-2026-01.csv"'


def test_a_date_column_accepts_datetimes_too():
    table = Table(slug="d", title="D", columns=(Column("m", "M", "month"),), rows=({"m": date(2026, 2, 1)},))
    assert read_csv(table_csv(table))[1] == ["2026-02"]
