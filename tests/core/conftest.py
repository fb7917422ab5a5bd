"""Fixtures of the tests that act as a server's operator would (tests/core/as_operator.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .as_operator import FreshDatabase


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[FreshDatabase]:
    """An empty database of its own (not the test database), dropped afterwards."""
    database = FreshDatabase.create(tmp_path)
    yield database
    database.drop()
