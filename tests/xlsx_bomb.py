"""A workbook that is small to send and huge to read: a real XLSX (openpyxl's own) whose first sheet is padded
with `unpacked` bytes of repeated rows, which deflate to a few hundred KB."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook


def xlsx_bomb(unpacked: int) -> bytes:
    book = Workbook()
    book.active.append(["kode", "nilai"])
    plain = io.BytesIO()
    book.save(plain)
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", row * (unpacked // len(row) + 1) + b"</sheetData>")
            z.writestr(member.filename, data)
    return out.getvalue()
