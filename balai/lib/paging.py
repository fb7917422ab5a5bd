"""Pagination whose row count comes from somewhere cheaper than `COUNT(*)` over the listed query."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A paginator told the number of rows (from summary cells, or a count along an index that needs no row of
    the table) instead of counting the listed query, which may join and filter every row. A count that is a little
    high only makes the last page shorter; `get_page` never fails on it."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.known_count
