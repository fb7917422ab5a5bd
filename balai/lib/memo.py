"""Values kept in this process for a short time, for reads that every request repeats and that rarely change.

Each server process keeps its own copy: a change made in one process (a signal handler calls `clear`) is seen
there at once; the other processes drop their copies when a shared version number they are told of moves
(`follow`, once per request), and at the latest when a copy expires (`ttl` seconds, for a process that serves
no requests). Never for anything that depends on who asks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

_ALL: list[ProcessMemo[object]] = []
# The shared versions (name -> number) this process's copies were made under; None: not known yet.
_followed: list[dict[str, int] | None] = [None]
_follow_lock = threading.Lock()


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
    _followed[0] = None


def follow(versions: dict[str, int]) -> list[str]:
    """The names whose shared version (one per kind of data, shared by all processes) moved since the last call;
    the caller drops the copies made of them. The first call only notes the versions: what this process read
    before it is as new as the database was then."""
    with _follow_lock:
        before = _followed[0]
        _followed[0] = dict(versions)
    if before is None or before == versions:
        return []
    return sorted(name for name in versions.keys() | before.keys() if versions.get(name) != before.get(name))
