"""The import reads a workbook whole (merged cells need it), so one that unpacks to more than the bound is
refused before openpyxl opens it: a clear message, nothing read."""

from __future__ import annotations

import io

import pytest

from balai.kinerja.importer import IMPORT_MAX_UNPACKED_BYTES, ImportFileError, read_plan
from tests.xlsx_bomb import xlsx_bomb


def test_a_workbook_that_unpacks_past_the_bound_is_refused_with_the_bound_named() -> None:
    bomb = xlsx_bomb(IMPORT_MAX_UNPACKED_BYTES + (1 << 20))

    with pytest.raises(ImportFileError, match="20 MB"):
        read_plan(io.BytesIO(bomb), {})
