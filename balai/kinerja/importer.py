"""Reading a plan from the spreadsheets a Bappeda already has (SIPD and Renja exports, XLSX), with a column
mapping: `COLUMN=field` where COLUMN is the header's text (any case) or the column's letter. The header row need
not be the first; merged cells count for every cell they cover; empty rows are skipped; money may be written
"Rp 1.250.000.000". Each row that cannot be read is reported with its row number and why. Nothing is written
here: balai.kinerja.services.plan_import writes what this reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from balai.lib.spreadsheets import SpreadsheetTooLargeError, xlsx_check_size

from .models import Direction, Level

FIELDS: dict[str, Any] = {
    "opd": _("responsible OPD (name, short name or slug)"),
    "urusan": _("affair (urusan)"),
    "program_code": _("program code"),
    "program": _("program name"),
    "kegiatan_code": _("kegiatan code"),
    "kegiatan": _("kegiatan name"),
    "code": _("sub kegiatan code"),
    "name": _("sub kegiatan name"),
    "pagu": _("budget ceiling (Rp)"),
    "indicator": _("indicator"),
    "unit": _("unit of measure"),
    "target": _("annual target"),
    "direction": _("direction (higher/lower)"),
    "spbe": _("SPBE spending (ya/tidak)"),
}
REQUIRED = ("opd", "code", "name")
# Header words of the common exports, for the mapping a person need not type.
GUESSES = {
    "opd": ("opd", "perangkat daerah", "skpd", "unit"),
    "urusan": ("urusan", "bidang urusan"),
    "program_code": ("kode program",),
    "program": ("program", "nama program"),
    "kegiatan_code": ("kode kegiatan",),
    "kegiatan": ("kegiatan", "nama kegiatan"),
    "code": ("kode sub kegiatan", "kode"),
    "name": ("sub kegiatan", "nama sub kegiatan"),
    "pagu": ("pagu", "pagu indikatif", "anggaran", "pagu (rp)"),
    "indicator": ("indikator", "indikator kinerja", "indikator keluaran"),
    "unit": ("satuan",),
    "target": ("target",),
    "direction": ("arah", "polaritas"),
    "spbe": ("spbe", "belanja spbe"),
}
MAX_ROWS = 20_000


class ImportFileError(ValueError):
    pass


@dataclass
class ImportRow:
    number: int
    opd: str
    urusan: str
    program: tuple[str, str] | None
    kegiatan: tuple[str, str] | None
    sub: tuple[str, str]
    pagu: Decimal
    indicator: str
    unit_label: str
    target: Decimal | None
    direction: str
    spbe: bool | None

    def levels(self) -> Iterator[tuple[str, str, str]]:
        if self.program:
            yield Level.PROGRAM, *self.program
        if self.kegiatan:
            yield Level.KEGIATAN, *self.kegiatan
        yield Level.SUB_KEGIATAN, *self.sub


def parse_mapping(text: str) -> dict[str, str]:
    """'Kode Sub=code,Nama=name' → {field: column}; raises ImportFileError on an unknown field."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        column, sep, name = part.rpartition("=")
        if not sep or not column.strip():
            raise ImportFileError(_("Write each mapping as COLUMN=field: %(part)s") % {"part": part})
        if name.strip() not in FIELDS:
            raise ImportFileError(
                _("Unknown field %(field)s; the fields are: %(fields)s")
                % {"field": name.strip(), "fields": ", ".join(FIELDS)}
            )
        mapping[name.strip()] = column.strip()
    return mapping


_RP = re.compile(r"^\s*(rp\.?)?\s*", re.IGNORECASE)


def parse_number(value: Any, *, money: bool = False) -> Decimal | None:
    """A number as a spreadsheet carries it: a number, or text in the Indonesian way ("Rp 1.250.000.000",
    "12,5", "1.250.000,50"). None for an empty cell; InvalidOperation for text that is no number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = _RP.sub("", str(value)).replace(" ", "").replace("\u00a0", "").rstrip("%").strip()
    if text in ("", "-"):
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (money and re.fullmatch(r"\d{1,3}(\.\d{3})+", text)):
        text = text.replace(".", "")
    return Decimal(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _grid(sheet: Any) -> list[list[Any]]:
    """The sheet's values, with each merged range's value in every cell it covers."""
    # Never past the sheet's last row: openpyxl makes an empty cell for every place it is asked to read, so a
    # bound of MAX_ROWS on a 20-row sheet built 20,000 rows of cells (seconds per import).
    last = min(sheet.max_row, MAX_ROWS)
    rows = [list(row) for row in sheet.iter_rows(values_only=True, max_row=last)]
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                while len(rows[r - 1]) < c:
                    rows[r - 1].append(None)
                rows[r - 1][c - 1] = value
    return rows


def _find_header(rows: list[list[Any]], mapping: dict[str, str]) -> tuple[int, dict[str, int]]:
    """The header row (index) and each field's column index."""
    letters = {f: c for f, c in mapping.items() if re.fullmatch(r"[A-Za-z]{1,3}", c)}
    for index, row in enumerate(rows[:50]):
        headers = {_text(v).lower(): i for i, v in enumerate(row) if _text(v)}
        columns: dict[str, int] = {f: column_index_from_string(c.upper()) - 1 for f, c in letters.items()}
        for name, column in mapping.items():
            if name not in columns and column.lower() in headers:
                columns[name] = headers[column.lower()]
        for name, words in GUESSES.items():
            if name not in columns and name not in mapping:
                found = next((headers[w] for w in words if w in headers), None)
                if found is not None and found not in columns.values():
                    columns[name] = found
        if all(f in columns for f in REQUIRED) and len(columns) - len(letters) >= 2:
            return index, columns
    raise ImportFileError(
        _("No header row names the columns for %(fields)s; give them with the mapping (COLUMN=field).")
        % {"fields": ", ".join(REQUIRED)}
    )


# A Renja export of a whole Pemda is a few MB unpacked; read whole, 20 MB of sheet XML is about a GB of memory.
IMPORT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024


def read_plan(stream: IO[bytes] | str, mapping: dict[str, str]) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    """The rows of the first sheet and the problems (row number as the spreadsheet shows it, why)."""
    try:
        # Read whole (merged cells need it), so the workbook's unpacked size is bounded first.
        if isinstance(stream, str):
            with open(stream, "rb") as file:
                xlsx_check_size(file, limit=IMPORT_MAX_UNPACKED_BYTES)
        else:
            xlsx_check_size(stream, limit=IMPORT_MAX_UNPACKED_BYTES)
        book = load_workbook(stream, data_only=True)
    except SpreadsheetTooLargeError as exc:
        raise ImportFileError(
            _("The workbook unpacks to more than %(mb)d MB; import one sheet of the plan at a time.")
            % {"mb": exc.limit_mb}
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx).")) from exc
    rows = _grid(book.worksheets[0])
    header, columns = _find_header(rows, mapping)
    result: list[ImportRow] = []
    problems: list[tuple[int, str]] = []
    for index in range(header + 1, len(rows)):
        number = index + 1
        row = rows[index]

        def cell(name: str, row: list[Any] = row) -> Any:
            column = columns.get(name)
            return row[column] if column is not None and column < len(row) else None

        if not any(_text(v) for v in row):
            continue
        code, name, opd = _text(cell("code")), _text(cell("name")), _text(cell("opd"))
        if not code and not name:
            continue  # a heading or subtotal row of the export (program or kegiatan line)
        missing = [str(FIELDS[f]) for f, v in (("opd", opd), ("code", code), ("name", name)) if not v]
        if missing:
            problems.append((number, _("Missing: %(fields)s.") % {"fields": ", ".join(missing)}))
            continue
        try:
            pagu = parse_number(cell("pagu"), money=True) or Decimal(0)
        except (InvalidOperation, ValueError):
            problems.append(
                (number, _("The budget ceiling is not a number: %(value)s") % {"value": _text(cell("pagu"))})
            )
            continue
        try:
            target = parse_number(cell("target"))
        except (InvalidOperation, ValueError):
            problems.append((number, _("The target is not a number: %(value)s") % {"value": _text(cell("target"))}))
            continue
        if pagu < 0:
            problems.append((number, _("The budget ceiling cannot be negative.")))
            continue
        indicator = _text(cell("indicator"))
        if indicator and target is None:
            problems.append((number, _("The indicator %(name)s has no target.") % {"name": indicator}))
            continue
        direction_text = _text(cell("direction")).lower()
        direction = (
            Direction.LOWER
            if direction_text.startswith(("lower", "turun", "rendah", "negatif", "-"))
            else Direction.HIGHER
        )
        spbe_text = _text(cell("spbe")).lower()
        spbe = None if not spbe_text else spbe_text in ("ya", "y", "yes", "1", "true", "spbe", "v", "✓")
        program = (_text(cell("program_code")), _text(cell("program"))) if _text(cell("program_code")) else None
        kegiatan = (_text(cell("kegiatan_code")), _text(cell("kegiatan"))) if _text(cell("kegiatan_code")) else None
        if program and not program[1]:
            program = (program[0], program[0])
        if kegiatan and not kegiatan[1]:
            kegiatan = (kegiatan[0], kegiatan[0])
        item = ImportRow(
            number=number, opd=opd, urusan=_text(cell("urusan")), program=program, kegiatan=kegiatan,
            sub=(code, name), pagu=pagu, indicator=indicator,
            unit_label=_text(cell("unit")), target=target, direction=direction, spbe=spbe,
        )  # fmt: skip
        result.append(item)
    return result, problems
