"""A bound on what an XLSX file unpacks to, asked before openpyxl reads it.

An XLSX file is a zip archive of XML: a 100 KB upload or mail attachment can hold a sheet of hundreds of
megabytes (a "zip bomb"), which openpyxl would read row by row (seconds to minutes of a worker) or, outside its
read-only mode, into memory (gigabytes). The archive's directory declares each member's unpacked size, and Python's
zipfile never produces more than that, so the sum of the declared sizes bounds the work.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO, Final

XLSX_MAX_UNPACKED_BYTES: Final = 50 * 1024 * 1024
MIB: Final = 1024 * 1024


class SpreadsheetTooLargeError(ValueError):
    def __init__(self, unpacked: int, limit: int) -> None:
        super().__init__(f"the workbook unpacks to {unpacked} bytes, more than {limit}")
        self.unpacked = unpacked
        self.limit = limit

    @property
    def limit_mb(self) -> int:
        return max(1, self.limit // MIB)


def xlsx_check_size(data: bytes | IO[bytes], *, limit: int = XLSX_MAX_UNPACKED_BYTES) -> None:
    """Raise SpreadsheetTooLargeError when the workbook unpacks to more than `limit` bytes; zipfile.BadZipFile when
    it is no zip archive at all. A stream is left at its start."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    finally:
        stream.seek(start)
    if unpacked > limit:
        raise SpreadsheetTooLargeError(unpacked, limit)
