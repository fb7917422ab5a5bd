"""bench.modules reads the figures a module bench prints (no bench is run here)."""

from __future__ import annotations

from bench import modules
from bench.figures import GOALS, KEYS


def test_only_documented_pairs_are_taken_and_the_last_value_wins() -> None:
    output = (
        '{"level": "INFO", "ms": 12.5}\n'
        "situs_ratio_max=6.73 (goal <= 1.5) situs_news_kb=7.8 (goal <= 30)\n"
        "page_ratio=3.0 kinerja_scale_ratio=2.19\n"
        "kinerja_scale_ratio=1.31\n"
    )
    assert modules.pairs_of(output) == {"situs_ratio_max": 6.73, "situs_news_kb": 7.8, "kinerja_scale_ratio": 1.31}


def test_nothing_documented_is_nothing() -> None:
    assert modules.pairs_of("overview page p95: 12.0 ms\nratio=1.2\n") == {}


def test_every_module_bench_has_keys_with_goals() -> None:
    names = {name for name, _arguments in modules.BENCHES}
    assert names == {"ppid", "spbe", "desa", "kinerja", "open_data", "situs"}
    prefixes = {"open_data": "data"}
    for name in names:
        keys = [key for key in KEYS if key.startswith(prefixes.get(name, name) + "_")]
        assert keys, name
        assert all(key in GOALS for key in keys), name
