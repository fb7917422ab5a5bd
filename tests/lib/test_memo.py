"""ProcessMemo: a value computed once, kept for `ttl` seconds, dropped at once by clear()."""

from __future__ import annotations

from balai.lib.memo import ProcessMemo, clear_all


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_computed_once_within_its_time_to_live():
    clock, calls = Clock(), []
    memo: ProcessMemo[int] = ProcessMemo("test", ttl=10, clock=clock)

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert memo.get("k", compute) == 1
    clock.now += 9.9
    assert memo.get("k", compute) == 1
    clock.now += 0.2
    assert memo.get("k", compute) == 2


def test_each_key_has_its_own_value():
    memo: ProcessMemo[str] = ProcessMemo("test", ttl=10, clock=Clock())

    assert memo.get("a", lambda: "A") == "A"
    assert memo.get("b", lambda: "B") == "B"
    assert memo.get("a", lambda: "changed") == "A"


def test_clear_drops_every_value_at_once():
    memo: ProcessMemo[str] = ProcessMemo("test", ttl=10, clock=Clock())
    memo.get("a", lambda: "old")

    memo.clear()

    assert memo.get("a", lambda: "new") == "new"


def test_clear_all_drops_the_values_of_every_memo():
    first: ProcessMemo[str] = ProcessMemo("first", ttl=10, clock=Clock())
    second: ProcessMemo[str] = ProcessMemo("second", ttl=10, clock=Clock())
    first.get("a", lambda: "old")
    second.get("a", lambda: "old")

    clear_all()

    assert first.get("a", lambda: "new") == "new"
    assert second.get("a", lambda: "new") == "new"
