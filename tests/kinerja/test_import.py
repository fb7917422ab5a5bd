"""The plan import on a messy, real-looking spreadsheet: a title block above the header, merged cells, money as
"Rp 1.250.000.000" text, empty rows, an unknown OPD and a bad number reported by row; importing twice changes
nothing; the command and the upload screen do the same."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from balai.core.access import staff_scope
from balai.kinerja.importer import ImportFileError, parse_mapping, parse_number, read_plan
from balai.kinerja.models import Activity, Indicator, Level
from balai.kinerja.services import plan_import

from .conftest import client_for

pytestmark = pytest.mark.django_db


def messy_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "RENCANA KERJA PERANGKAT DAERAH TAHUN 2026"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "Kota Bitung"
    # line 3 empty; the header on line 4
    sheet.append([])
    sheet.append(
        [
            "Perangkat Daerah",
            "Kode Program",
            "Program",
            "Kode Sub",
            "Nama Sub Kegiatan",
            "Indikator",
            "Target",
            "Pagu",
            "Satuan",
            "SPBE",
        ]
    )
    rows = [
        ["Dinas PUPR", "1.03.02", "Program Penyelenggaraan Jalan", "1.03.02.2.01.0001", "Rehabilitasi Jalan", "Panjang jalan", "12,5", "Rp 1.250.000.000", "Km", "tidak"],
        [None, None, None, "1.03.02.2.01.0002", "Pemeliharaan Jembatan", "Jembatan", 3, 750000000, "Unit", ""],
        [],
        ["Diskominfo", "2.16.03", "Program Aplikasi Informatika", "2.16.03.2.02.0001", "Layanan Aplikasi", "Aplikasi", "2", "Rp. 400.000.000,00", "Aplikasi", "ya"],
        ["Dinas Antah Berantah", "9.99.01", "Program X", "9.99.01.2.01.0001", "Sub X", "X", "1", "Rp 1.000", "X", ""],
        ["Dinkes", "1.02.02", "Program Upaya Kesehatan", "1.02.02.2.01.0001", "Imunisasi", "Anak", "seribu", "Rp 300.000.000", "Anak", ""],
        ["Dinkes", "1.02.02", "Program Upaya Kesehatan", "", "", None, None, None, None, None],  # a subtotal line
    ]  # fmt: skip
    for values in rows:
        sheet.append(values)
    # The OPD and the program are merged down over the PUPR rows, as exports do.
    sheet.merge_cells("A5:A6")
    sheet.merge_cells("B5:B6")
    sheet.merge_cells("C5:C6")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAPPING = "Perangkat Daerah=opd,Kode Program=program_code,Program=program,Kode Sub=code,Nama Sub Kegiatan=name,Indikator=indicator,Target=target,Pagu=pagu,Satuan=unit,J=spbe"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Rp 1.250.000.000", "1250000000"),
        ("Rp. 400.000.000,00", "400000000.00"),
        ("12,5", "12.5"),
        ("1.5", "1.5"),
        ("", None),
        (750000000, "750000000"),
    ],
    ids=["rp", "rp-cents", "comma-decimal", "dot-decimal", "empty", "number"],
)
def test_numbers_are_read_the_indonesian_way(text: Any, value: str | None) -> None:
    money = isinstance(text, str) and text.startswith("Rp")
    assert parse_number(text, money=money) == (None if value is None else Decimal(value))


def test_the_messy_spreadsheet_is_read_with_its_problems_by_row(city: Any, bappeda: Any) -> None:
    rows, problems = read_plan(io.BytesIO(messy_workbook()), parse_mapping(MAPPING))
    summary = plan_import(actor=bappeda, scope=staff_scope(bappeda), year=2026, rows=rows, problems=problems)
    road = Activity.objects.get(code="1.03.02.2.01.0001")
    bridge = Activity.objects.get(code="1.03.02.2.01.0002")
    assert road.pagu == Decimal(1_250_000_000) and road.unit.slug == "dinas-pupr"
    assert bridge.unit.slug == "dinas-pupr"  # from the merged OPD cell
    assert bridge.parent is not None and bridge.parent.code == "1.03.02"  # from the merged program cell
    assert bridge.program == bridge.parent
    assert Indicator.objects.get(activity=road).target == Decimal("12.5")
    assert Activity.objects.get(code="2.16.03.2.02.0001").spbe is True
    assert Activity.objects.get(code="2.16.03.2.02.0001").pagu == Decimal(400_000_000)
    assert summary.problems == [(9, "Unknown OPD: Dinas Antah Berantah."), (10, "The target is not a number: seribu")]
    assert Activity.objects.filter(level=Level.SUB_KEGIATAN).count() == 3


def test_importing_the_same_file_twice_changes_nothing(city: Any, bappeda: Any, tmp_path: Any) -> None:
    path = tmp_path / "renja.xlsx"
    path.write_bytes(messy_workbook())
    out = io.StringIO()
    call_command("kinerja", "import", str(path), "--year", "2026", "--map", MAPPING, stdout=out)
    assert "4 created" in out.getvalue() or "created" in out.getvalue()
    count = Activity.objects.count(), Indicator.objects.count()
    again = io.StringIO()
    call_command("kinerja", "import", str(path), "--year", "2026", "--map", MAPPING, stdout=again)
    assert again.getvalue().startswith("0 created, 0 updated")
    assert "row 9: Unknown OPD" in again.getvalue()
    assert (Activity.objects.count(), Indicator.objects.count()) == count


def test_an_unknown_field_or_a_file_that_is_no_workbook_is_said_plainly() -> None:
    with pytest.raises(ImportFileError, match="Unknown field"):
        parse_mapping("Kode=kode_rekening")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read_plan(io.BytesIO(b"kode,nama\n1,2\n"), {})


def test_the_upload_screen_imports_and_lists_the_rows_it_could_not_read(city: Any, bappeda: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(bappeda)
    upload = SimpleUploadedFile("renja.xlsx", messy_workbook())
    response = client.post("/staf/kinerja/impor/", {"year": "2026", "file": upload, "mapping": MAPPING})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Row 9" in body and "Unknown OPD: Dinas Antah Berantah." in body
    assert Activity.objects.filter(level=Level.SUB_KEGIATAN).count() == 3
    bad = client.post(
        "/staf/kinerja/impor/", {"year": "2026", "file": SimpleUploadedFile("x.xlsx", b"nope"), "mapping": "A=opd"}
    )
    assert "not an Excel workbook" in bad.content.decode()
    assert 'value="A=opd"' in bad.content.decode()  # what was typed stays


def test_the_documented_example_file_imports_without_a_mapping(city: Any, bappeda: Any) -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "renja-contoh.xlsx"
    with example.open("rb") as stream:
        rows, problems = read_plan(stream, {})
    summary = plan_import(actor=bappeda, scope=staff_scope(bappeda), year=2026, rows=rows, problems=problems)
    assert summary.problems == [(9, "The target is not a number: seribu")]
    drain = Activity.objects.get(code="1.03.02.2.01.0002")
    assert drain.unit.slug == "dinas-pupr" and drain.pagu == Decimal(450_000_000)
    assert Indicator.objects.get(activity=drain).direction == "lower"
    assert Activity.objects.get(code="2.16.03.2.02.0001").spbe is True


def test_the_reader_stops_at_the_sheets_last_row() -> None:
    """openpyxl makes a cell for every place it is asked to read: reading up to the row bound on a short sheet
    built 20,000 rows of empty cells, seconds per import."""
    from openpyxl import load_workbook

    from balai.kinerja.importer import _grid

    sheet = load_workbook(io.BytesIO(messy_workbook())).worksheets[0]
    assert len(_grid(sheet)) == sheet.max_row < 20
