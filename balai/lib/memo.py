"""Values kept in this process for a short time, for reads that every request repeats and that rarely change.

Each server process keeps its own copy: a change made in one process (a signal handler calls `clear`) is seen
there at once and in the other processes when their copy expires (`ttl` seconds). Only for data where that
delay is acceptable, and never for anything that depends on who asks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

_ALL: list[ProcessMemo[object]] = []


class ProcessMemo(Generic[T]):
    """`get(key, compute)` returns the value computed for `key` less than `ttl` seconds ago, or computes it."""

    def __init__(self, name: str, *, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.ttl = ttl
        self._clock = clock
        self._values: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = self._clock()
        found = self._values.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[1]
        value = compute()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def clear(self, *_args: object, **_kwargs: object) -> None:
        """Forget every value (usable as a signal receiver)."""
        with self._lock:
            self._values.clear()


def clear_all() -> None:
    """Forget every value of every memo of this process (tests: the database was rolled back)."""
    for memo in _ALL:
        memo.clear()
