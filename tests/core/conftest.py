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


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[FreshDatabase]:
    """A database of its own as `balai migrate` leaves an empty one (a copy of this run's template), dropped afterwards."""
    database = FreshDatabase.migrated(tmp_path / "database")
    yield database
    database.drop()


@pytest.fixture
def bitung(tmp_path: Path) -> Iterator[FreshDatabase]:
    """A database of its own, migrated and set up for Kota Bitung as docs/deploy.md says (a template's copy)."""
    database = FreshDatabase.bitung(tmp_path / "database")
    yield database
    database.drop()
