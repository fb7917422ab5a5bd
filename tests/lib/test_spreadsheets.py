import io
import zipfile

import pytest
from openpyxl import Workbook

from balai.lib.spreadsheets import SpreadsheetTooLargeError, xlsx_check_size
from tests.xlsx_bomb import xlsx_bomb


def small_workbook() -> bytes:
    book = Workbook()
    book.active.append(["kode", "nilai"])
    book.active.append(["1.02.01", 5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_before_it_is_read() -> None:
    bomb = xlsx_bomb(6 * 1024 * 1024)
    assert len(bomb) < 300 * 1024  # small to send

    with pytest.raises(SpreadsheetTooLargeError) as raised:
        xlsx_check_size(bomb, limit=5 * 1024 * 1024)

    assert raised.value.unpacked > 6 * 1024 * 1024 and raised.value.limit_mb == 5
    xlsx_check_size(bomb, limit=7 * 1024 * 1024)  # the same file within a larger bound


def test_an_ordinary_workbook_passes_and_a_stream_is_left_where_it_was() -> None:
    stream = io.BytesIO(small_workbook())
    stream.seek(0)
    xlsx_check_size(stream)
    assert stream.tell() == 0
    with pytest.raises(zipfile.BadZipFile):
        xlsx_check_size(b"kode,nilai\n1,2\n")
