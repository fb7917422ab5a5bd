"""Resource files: what an upload really is (checked by its content, not its name), its preview, and the files
Balai writes for a generated table (CSV, XLSX, JSON)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from balai.lib.spreadsheets import SpreadsheetTooLargeError, xlsx_check_size

from .models import Format

MAX_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 10
MAX_COLUMNS = 200


class FileRefusedError(ValueError):
    """The file is not what it claims to be; the message says why in the reader's language."""


@dataclass(frozen=True)
class Table:
    format: str
    columns: list[str]
    preview: list[list[str]]
    row_count: int


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _header(columns: list[str]) -> list[str]:
    names = [c.strip() for c in columns]
    if not names or not any(names):
        raise FileRefusedError(_("The first row must name the columns."))
    if len(names) > MAX_COLUMNS:
        raise FileRefusedError(_("The file has more than %(n)d columns.") % {"n": MAX_COLUMNS})
    if any(not n for n in names):
        raise FileRefusedError(_("Every column needs a name in the first row."))
    if len({n.casefold() for n in names}) != len(names):
        raise FileRefusedError(_("Two columns have the same name in the first row."))
    return names


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefusedError(_("The CSV file is not UTF-8 text. Save it again as “CSV UTF-8”.")) from None
    if "\x00" in text:
        raise FileRefusedError(_("This is not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    rows = csv.reader(io.StringIO(text), dialect)
    try:
        columns = _header(next(rows, []))
        preview: list[list[str]] = []
        count = 0
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise FileRefusedError(
                    _("Row %(row)d has %(got)d cells, the header has %(want)d.")
                    % {"row": count + 2, "got": len(row), "want": len(columns)}
                )
            if len(preview) < PREVIEW_ROWS:
                preview.append(row)
            count += 1
    except csv.Error as exc:
        raise FileRefusedError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    return Table(Format.CSV, columns, preview, count)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefusedError(_("This is not an Excel (XLSX) file."))
    try:
        xlsx_check_size(data)
    except SpreadsheetTooLargeError as exc:
        raise FileRefusedError(
            _("The workbook unpacks to more than %(mb)d MB; split it or upload it as CSV.") % {"mb": exc.limit_mb}
        ) from None
    except zipfile.BadZipFile:
        raise FileRefusedError(_("This is not an Excel (XLSX) file, or it is damaged.")) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        columns = _header([_cell(c) for c in next(rows, ())])
        preview: list[list[str]] = []
        count = 0
        for row in rows:
            cells = [_cell(c) for c in row][: len(columns)]
            if not any(cells):
                continue
            if len(preview) < PREVIEW_ROWS:
                preview.append(cells + [""] * (len(columns) - len(cells)))
            count += 1
        book.close()
    except FileRefusedError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileRefusedError(_("This is not an Excel (XLSX) file, or it is damaged.")) from None
    return Table(Format.XLSX, columns, preview, count)


def _read_json(data: bytes) -> Table:
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise FileRefusedError(_("This is not a JSON file.")) from None
    if isinstance(value, dict):
        # {"data": [...]} or {"records": [...]}: the first list of objects inside.
        value = next((v for v in value.values() if isinstance(v, list)), None)
    if not isinstance(value, list) or not value or not all(isinstance(r, dict) for r in value):
        raise FileRefusedError(_("The JSON file must hold a list of records (objects with the same keys)."))
    columns = _header([str(k) for k in value[0]])
    preview = [[_cell(r.get(c)) for c in columns] for r in value[:PREVIEW_ROWS]]
    return Table(Format.JSON, columns, preview, len(value))


def read_table(data: bytes, filename: str) -> Table:
    """Check an upload by its content; the file name's extension must agree with it."""
    if not data:
        raise FileRefusedError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise FileRefusedError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    readers = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}
    if extension not in readers:
        raise FileRefusedError(_("Upload a CSV, XLSX or JSON file."))
    if data[:2] == b"PK" and extension != "xlsx":
        raise FileRefusedError(_("The file's content does not match its name (.%(ext)s).") % {"ext": extension})
    return readers[extension](data)


# --- writing a generated table ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _neutral(value: Any) -> Any:
    # A spreadsheet would run a cell that starts with = + - @ as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_neutral(_plain(v)) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_json(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    records = [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1).encode()


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_neutral(_plain(v)) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WRITERS = {Format.CSV: write_csv, Format.XLSX: write_xlsx, Format.JSON: write_json}
