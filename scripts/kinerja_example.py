"""Write docs/examples/renja-contoh.xlsx, the example plan spreadsheet of docs/kinerja.md, the way a Renja export
looks: a title block, the header on line 4, the OPD and program merged down over their rows, money as text
("Rp 1.250.000.000"), an empty row, and one row with a mistake the import reports.

    uv run python scripts/kinerja_example.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parents[1] / "docs" / "examples" / "renja-contoh.xlsx"
HEADER = ["Perangkat Daerah", "Urusan", "Kode Program", "Program", "Kode Kegiatan", "Kegiatan", "Kode Sub Kegiatan",
          "Nama Sub Kegiatan", "Indikator", "Satuan", "Target", "Arah", "Pagu", "SPBE"]  # fmt: skip
ROWS = [
    ["Dinas PUPR", "Pekerjaan Umum dan Penataan Ruang", "1.03.02", "Program Penyelenggaraan Jalan", "1.03.02.2.01",
     "Penyelenggaraan Jalan Kota", "1.03.02.2.01.0001", "Rehabilitasi Jalan Sam Ratulangi", "Panjang jalan direhabilitasi",
     "Km", "12,5", "naik", "Rp 1.250.000.000", "tidak"],
    [None, "Pekerjaan Umum dan Penataan Ruang", None, None, "1.03.02.2.01", "Penyelenggaraan Jalan Kota",
     "1.03.02.2.01.0002", "Pemeliharaan Drainase Girian", "Lama genangan setelah hujan", "Jam", "6", "turun",
     "Rp 450.000.000", "tidak"],
    [],
    ["Diskominfo", "Komunikasi dan Informatika", "2.16.03", "Program Aplikasi Informatika", "2.16.03.2.02",
     "Pengelolaan E-government", "2.16.03.2.02.0001", "Pengembangan Layanan Aduan Warga", "Aplikasi yang beroperasi",
     "Aplikasi", "2", "naik", "Rp 380.000.000", "ya"],
    ["Dinkes", "Kesehatan", "1.02.02", "Program Pemenuhan Upaya Kesehatan", "1.02.02.2.02", "Pelayanan Kesehatan",
     "1.02.02.2.02.0001", "Imunisasi Dasar Lengkap", "Anak diimunisasi lengkap", "Anak", "seribu", "naik",
     "Rp 300.000.000", ""],
]  # fmt: skip


def main() -> None:
    book = Workbook()
    sheet = book.active or book.create_sheet()
    sheet.title = "Renja 2026"
    sheet["A1"] = "RENCANA KERJA PERANGKAT DAERAH TAHUN 2026 (CONTOH)"
    sheet["A1"].font = Font(bold=True)
    sheet.merge_cells("A1:N1")
    sheet["A2"] = "Pemerintah Kota Bitung"
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)
    sheet.merge_cells("A5:A6")  # the OPD, merged down
    sheet.merge_cells("C5:C6")  # the program code
    sheet.merge_cells("D5:D6")  # the program name
    OUT.parent.mkdir(parents=True, exist_ok=True)
    book.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
