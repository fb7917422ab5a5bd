"""Pages of a list that never count every row: one row more than the page tells whether a next page exists,
and the total is counted only up to a cap ("1.000+ reports")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

# Counting stops here: the count of a list of a million reports costs what the count of this many does.
COUNT_CAP = 1000
# Deeper pages cost their offset; nobody reads 500 pages of 20, and a robot must not make us try.
MAX_PAGE = 500


@dataclass(frozen=True)
class Page:
    """Shaped like Django's Page where templates use it, without the paginator's count of every row."""

    object_list: Sequence[Any]
    number: int
    per_page: int
    has_next: bool
    # How many rows the whole list has, counted up to `cap`; None when it was not counted.
    total: int | None = None
    cap: int = COUNT_CAP

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def total_is_capped(self) -> bool:
        """More rows than the cap: say "1.000+"."""
        return self.total is not None and self.total > self.cap

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the total is known exactly."""
        if self.total is None or self.total_is_capped:
            return None
        return max(1, -(-self.total // self.per_page))


def page_number(raw: Any) -> int:
    """The page asked for in the address; anything that is not a page number is page 1."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> int:
    """The number of rows, or cap + 1 if there are more (COUNT_CAP by default): the database stops there."""
    return qs.order_by().values("pk")[: (COUNT_CAP if cap is None else cap) + 1].count()


def slice_page(
    qs: QuerySet[Any],
    number: int,
    per_page: int,
    *,
    count: bool = True,
    cap: int | None = None,
    fetch: Callable[[int, int], list[Any]] | None = None,
    counter: Callable[[int], int] | None = None,
) -> Page:
    """Page `number` of `qs`, reading per_page + 1 rows; the total counted up to `cap` (when `count`).

    `fetch(offset, limit)` replaces slicing `qs`, and `counter(cap)` counting it, for lists that need their
    own strategy (text search, an OPD's inbox). A page past the end falls back to the last one when the total
    is known, like Django's get_page.
    """
    cap = COUNT_CAP if cap is None else cap
    offset = (number - 1) * per_page
    rows = fetch(offset, per_page + 1) if fetch else list(qs[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    total: int | None = None
    if count:
        total = counter(cap) if counter else capped_count(qs, cap)
        if not rows and number > 1 and total <= cap:
            # Past the end (the total is then at most offset, so the last page comes before this one).
            last = max(1, -(-total // per_page))
            return slice_page(qs, last, per_page, count=count, cap=cap, fetch=fetch, counter=counter)
    return Page(rows[:per_page], number, per_page, has_next, total, cap)
