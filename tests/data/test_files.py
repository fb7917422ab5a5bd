"""Uploads are judged by their content: the table is read, the header checked, and a file that is not what its
name says is refused with a message a data officer understands."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from balai.data.files import FileRefusedError, read_table, write_csv, write_json, write_xlsx
from tests.xlsx_bomb import xlsx_bomb


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_a_csv_is_read_with_its_header_preview_and_row_count() -> None:
    table = read_table("a,b\r\n1,2\r\n3,4\r\n\r\n".encode("utf-8-sig"), "data.csv")
    assert (table.format, table.columns, table.preview, table.row_count) == (
        "CSV",
        ["a", "b"],
        [["1", "2"], ["3", "4"]],
        2,
    )


def test_a_semicolon_csv_from_excel_is_understood() -> None:
    table = read_table(b"kode;jumlah\n71.72.01;5\n", "data.csv")
    assert table.columns == ["kode", "jumlah"] and table.preview == [["71.72.01", "5"]]


def test_a_csv_row_with_a_missing_cell_is_refused_with_its_line() -> None:
    with pytest.raises(FileRefusedError, match="Row 3 has 1 cells, the header has 2"):
        read_table(b"a,b\n1,2\n3\n", "data.csv")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "x.csv", "empty"),
        ("a,b\n".encode("utf-16"), "x.csv", "not UTF-8"),
        (b"a,a\n1,2\n", "x.csv", "same name"),
        (b"PK\x03\x04rest", "x.csv", "does not match"),
        (b"a,b\n", "x.pdf", "CSV, XLSX or JSON"),
        (b"not a zip", "x.xlsx", "not an Excel"),
        (b'{"a": 1}', "x.json", "list of records"),
        (b"[1, 2]", "x.json", "list of records"),
        (b"{oops", "x.json", "not a JSON"),
    ],
    ids=[
        "empty",
        "utf16",
        "duplicate-column",
        "zip-named-csv",
        "pdf",
        "fake-xlsx",
        "json-object",
        "json-numbers",
        "broken-json",
    ],
)
def test_what_is_not_a_table_is_refused(content: bytes, name: str, message: str) -> None:
    with pytest.raises(FileRefusedError, match=message):
        read_table(content, name)


def test_an_xlsx_that_unpacks_past_50_mb_is_refused_unread() -> None:
    with pytest.raises(FileRefusedError, match="50 MB"):
        read_table(xlsx_bomb(51 << 20), "data.xlsx")


def test_an_xlsx_is_read_from_its_first_sheet() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kode", "jumlah"])
    sheet.append(["71.72.01", 5])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "data.xlsx")
    assert (table.format, table.columns, table.preview, table.row_count) == (
        "XLSX",
        ["kode", "jumlah"],
        [["71.72.01", "5"]],
        1,
    )


def test_json_records_are_read_also_inside_a_data_key() -> None:
    table = read_table(json.dumps({"data": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}).encode(), "data.json")
    assert (table.columns, table.row_count, table.preview[1]) == (["a", "b"], 2, ["2", "y"])


def test_written_files_hold_the_same_table_in_three_formats() -> None:
    columns, rows = ["kode", "nama", "jumlah"], [["71.72.01", "=HYPERLINK()", 3]]
    assert write_csv(columns, rows).decode("utf-8-sig") == "kode,nama,jumlah\r\n71.72.01,'=HYPERLINK(),3\r\n"
    assert json.loads(write_json(columns, rows)) == [{"kode": "71.72.01", "nama": "=HYPERLINK()", "jumlah": 3}]
    sheet = load_workbook(io.BytesIO(write_xlsx(columns, rows))).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [columns, ["71.72.01", "'=HYPERLINK()", 3]]
