"""The bench's own arithmetic, kept pure (no Django, no server) so that tests/bench can check it.

Percentiles, rates and ratios; whether a load kept its word (no error, every acknowledged write stored); the
summary line that `bench.run` prints last, and its parser. A key of the summary line keeps its meaning for
ever: a new measure gets a new key (`KEYS` below, bench/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

# Every key of the summary line and what it means; a per-database key is its database's prefix plus a key
# of PER_DATABASE. A key is never given another meaning: a new measure gets a new key.
KEYS: dict[str, str] = {
    "intake_ratio": "form POSTs per second ÷ bare one-row inserts per second (/_bench/insert); worst database",
    "scale_ratio_max": "the worst page's p95 at LARGE ÷ its p95 at SMALL (pages of measure.PAGES); worst database",
    "form_kb": "KB a first visit of the report form transfers (HTML uncompressed); worst database",
    "home_kb": "KB a first visit of the home page transfers (HTML uncompressed); worst database",
    "rss_mb": "peak resident MB of one gunicorn worker while the pages are timed; worst database",
    "intake_same_writes_ratio": (
        "form POSTs per second ÷ requests per second of /_bench/same-writes (the rows a report writes, plain SQL, "
        "one transaction); worst database"
    ),
    "home_cold_ms_small": "p95 ms of the home page when its figures are recounted (cache expired), SMALL; worst",
    "home_cold_ms_large": "p95 ms of the home page when its figures are recounted (cache expired), LARGE; worst",
    "home_cold_ratio": "home_cold p95 at LARGE ÷ at SMALL; worst database",
    "form_kb_gzip": "form_kb with the HTML gzipped at level 1 (nginx's gzip on;)",
    "home_kb_gzip": "home_kb with the HTML gzipped at level 1 (nginx's gzip on;)",
    "photo_decode_rss_mb": (
        "peak resident MB of one gunicorn worker (8 threads) while 8 invalid forms, each with the worst photo "
        "constructed, arrive at once; the worst of bench/photo_decode.py's photos (printed by that script only)"
    ),
    "spbe_overview_ratio": (
        "p95 of the SPBE overview page (47 indicators) with 5 evaluation years ÷ with 1 (bench/spbe.py only)"
    ),
    "spbe_index_ratio": "p95 of the SPBE index computation with 5 evaluation years ÷ with 1 (bench/spbe.py only)",
    "desa_matrix_ratio": "p95 of the village-report matrix at 500 units × 60 months ÷ at 70 × 6 (bench/desa.py only)",
    "desa_kim_ratio": "p95 of the public KIM page at 500 KIM ÷ at 70 (bench/desa.py only)",
    "kinerja_scale_ratio": (
        "the worst plan page's p95 (public programme pages and the OPD evaluation table) at 20× the demo plan ÷ at "
        "the demo plan, in-process; goal <= 1.5 (printed by bench/kinerja.py only)"
    ),
    "situs_ratio_max": (
        "the worst website page's p95 at 100 sites x 2,000 news ÷ at 10 x 200 (site home, news page, news list, "
        "portal home, cross-site search; SQLite, in-process; printed by bench/situs.py only)"
    ),
    "situs_news_kb": "KB of a website news page, HTML and stylesheets gzipped, without images (bench/situs.py only)",
    "data_scale_ratio": (
        "the worst p95 at 10,000 datasets ÷ at 100 of CKAN package_search (harvester paging, a search, an OPD filter) "
        "and the public catalogue page (printed by bench/open_data.py only)"
    ),
    "ppid_register_ratio": "PPID public register (list, search) p95 at LARGE ÷ at SMALL requests (bench/ppid.py only)",
    "ppid_inbox_ratio": "PPID pelaksana's inbox (open, overdue) p95 at LARGE ÷ at SMALL requests (bench/ppid.py only)",
}
PER_DATABASE: dict[str, str] = {
    "intake_ratio": "as intake_ratio, this database",
    "intake_visit_ratio": "whole visits (GET + POST of the form) per second ÷ bare inserts per second",
    "scale_ratio_max": "as scale_ratio_max, this database",
    "rss_mb": "as rss_mb, this database",
    "gen_per_s": "reports per second written by bench/generate.py (the faster of the two generations)",
    "intake_same_writes_ratio": "as intake_same_writes_ratio, this database",
    "home_cold_ms_small": "as home_cold_ms_small, this database",
    "home_cold_ms_large": "as home_cold_ms_large, this database",
    "home_cold_ratio": "as home_cold_ratio, this database",
}
PREFIXES = {"sqlite": "sqlite", "postgresql": "pg"}
LIGHTHOUSE_KEYS = ("performance", "accessibility")  # lh_<page>_<key>: Lighthouse's mobile score, 0-100
GOALS = {
    "intake_ratio": ">= 0.5",
    "intake_same_writes_ratio": ">= 0.5",
    "scale_ratio_max": "<= 1.5",
    "form_kb": "<= 50",
    "home_kb": "<= 50",
    "rss_mb": "<= 150",
    "spbe_overview_ratio": "<= 1.5",
    "spbe_index_ratio": "<= 1.5",
    "desa_matrix_ratio": "<= 1.5",
    "desa_kim_ratio": "<= 1.5",
    "data_scale_ratio": "<= 1.5",
    "ppid_register_ratio": "<= 1.5",
    "ppid_inbox_ratio": "<= 1.5",
    "kinerja_scale_ratio": "<= 1.5",
    "situs_ratio_max": "<= 1.5",
    "situs_news_kb": "<= 30",
}
# How the plain keys pick the worse of the databases.
WORSE = {
    "intake_ratio": min,
    "scale_ratio_max": max,
    "form_kb": max,
    "home_kb": max,
    "rss_mb": max,
    "intake_same_writes_ratio": min,
    "home_cold_ms_small": max,
    "home_cold_ms_large": max,
    "home_cold_ratio": max,
}


class BenchFailedError(RuntimeError):
    """The run cannot keep its word (an error answer, a write acknowledged but not stored): no figures."""


def percentile(values: Iterable[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction {fraction} is not in (0, 1]")
    return ordered[max(1, math.ceil(fraction * len(ordered) - 1e-9)) - 1]


def latency_summary(seconds: list[float]) -> dict[str, float]:
    """n, p50, p95, max and mean of latencies given in seconds, in milliseconds (2 decimals)."""
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 2),
    }


def rate(done: int, seconds: float) -> float:
    """Operations per second."""
    return done / seconds if seconds > 0 else 0.0


def ratio(numerator: float, denominator: float, digits: int = 3) -> float:
    """numerator ÷ denominator, rounded; a zero or negative denominator is a failed measure, not a figure."""
    if not denominator > 0:
        raise BenchFailedError(f"cannot divide {numerator} by {denominator}: the reference measured nothing")
    return round(numerator / denominator, digits)


def load_problems(name: str, errors: list[str], done: int) -> list[str]:
    """A load keeps its word when no request failed and some counted."""
    problems = []
    if errors:
        shown = "; ".join(errors[:3])
        problems.append(f"{name}: {len(errors)} request(s) failed (first: {shown})")
    if done <= 0:
        problems.append(f"{name}: no request answered inside the counted window")
    return problems


def stored_problems(checks: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Every write acknowledged must be stored, no more and no less.

    `checks` maps a load to its `acknowledged` count and the rows found afterwards in each table it writes to
    (one row per acknowledged request in each), e.g. {"form": {"acknowledged": 10, "reports": 10, "events": 9}}.
    """
    problems = []
    for name, counts in checks.items():
        if "acknowledged" not in counts:
            problems.append(f"{name}: no count of acknowledged requests")
            continue
        acknowledged = counts["acknowledged"]
        for table, rows in counts.items():
            if table != "acknowledged" and rows != acknowledged:
                problems.append(f"{name}: {acknowledged} acknowledged, {rows} {table} stored")
    return problems


def intake_problems(intake: Mapping[str, Any]) -> list[str]:
    """What is wrong with an intake result of bench.measure (its loads' errors, its stored rows)."""
    problems = []
    for name in ("baseline", "same_writes", "form", "visit"):
        if name not in intake:
            problems.append(f"intake: the {name} load is missing")
            continue
        load = intake[name]
        problems += load_problems(f"intake {name}", _errors(load), load["done"])
    problems += stored_problems(intake.get("stored", {}).get("checks", {}))
    if not intake.get("stored", {}).get("checks"):
        problems.append("intake: no stored-versus-acknowledged check")
    return problems


def _errors(load: Mapping[str, Any]) -> list[str]:
    """A load's errors as recorded in the JSON: the count, and the first few messages."""
    count = int(load.get("errors", 0))
    first = list(load.get("first_errors", []))
    return first + ["…"] * max(0, count - len(first))


def result_problems(result: Mapping[str, Any]) -> list[str]:
    """What is wrong with one database's result file (bench.measure): empty when the run kept its word."""
    problems = list(result.get("problems", []))
    if "intake" in result:
        problems += intake_problems(result["intake"])
    else:
        problems.append("no intake figures")
    if "home_cold" in result:
        cold = result["home_cold"]
        for size in ("small", "large"):
            if cold.get(size, {}).get("n", 0) <= 0:
                problems.append(f"home_cold: no sample at {size}")
    return problems


def per_database(result: Mapping[str, Any]) -> dict[str, float]:
    """One database's figures under the keys of PER_DATABASE (plus form_kb and home_kb for the plain keys)."""
    intake = result["intake"]
    figures: dict[str, float] = {
        "intake_ratio": intake["ratio"],
        "intake_visit_ratio": intake["visit_ratio"],
        "scale_ratio_max": result["scale"]["ratio_max"],
        "rss_mb": result["memory"]["peak_rss_mb"],
        "form_kb": result["weight"]["form"]["kb"],
        "home_kb": result["weight"]["home"]["kb"],
        "gen_per_s": max(g["per_second"] for g in result["generation"]),
        "intake_same_writes_ratio": intake["same_writes_ratio"],
    }
    cold = result["home_cold"]
    figures["home_cold_ms_small"] = cold["small"]["p95_ms"]
    figures["home_cold_ms_large"] = cold["large"]["p95_ms"]
    figures["home_cold_ratio"] = cold["p95_ratio"]
    return figures


def summary_pairs(
    databases: Mapping[str, Mapping[str, Any]],
    lighthouse: Mapping[str, Any] | None,
    modules: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The summary line's keys and values, in order: the plain keys (the worse database), each database's own,
    the gzip estimates, Lighthouse's scores, the later keys, the module benches' figures (bench.modules)."""
    if not databases:
        raise BenchFailedError("no database was measured")
    per_db = {PREFIXES.get(name, name): per_database(result) for name, result in databases.items()}
    pairs: dict[str, Any] = {}
    for key in ("intake_ratio", "scale_ratio_max", "form_kb", "home_kb", "rss_mb"):
        pairs[key] = WORSE[key](figures[key] for figures in per_db.values())
    for db, figures in per_db.items():
        for key in ("intake_ratio", "intake_visit_ratio", "scale_ratio_max", "rss_mb", "gen_per_s"):
            pairs[f"{db}_{key}"] = figures[key]
    first = next(iter(databases.values()))
    pairs["form_kb_gzip"] = first["weight"]["form"]["kb_gzip"]
    pairs["home_kb_gzip"] = first["weight"]["home"]["kb_gzip"]
    if lighthouse:
        for page, scores in lighthouse.get("pages", {}).items():
            for key in LIGHTHOUSE_KEYS:
                if key in scores:
                    pairs[f"lh_{page}_{key}"] = scores[key]
    # Keys added on 5 December 2026 come after the earlier ones, so that the line starts as it always did.
    new = ("intake_same_writes_ratio", "home_cold_ms_small", "home_cold_ms_large", "home_cold_ratio")
    for key in new:
        pairs[key] = WORSE[key](figures[key] for figures in per_db.values())
    for db, figures in per_db.items():
        for key in new:
            pairs[f"{db}_{key}"] = figures[key]
    pairs.update(modules or {})
    unknown = [key for key in pairs if not is_known_key(key)]
    if unknown:  # a programming error: a key must be documented (KEYS, PER_DATABASE) before it is printed
        raise ValueError(f"undocumented summary keys: {unknown}")
    return pairs


def is_known_key(key: str) -> bool:
    if key in KEYS:
        return True
    prefix, _sep, rest = key.partition("_")
    if prefix in PREFIXES.values() and rest in PER_DATABASE:
        return True
    if prefix == "lh":
        _page, _sep, score = rest.rpartition("_")
        return score in LIGHTHOUSE_KEYS
    return False


def format_summary(pairs: Mapping[str, Any]) -> str:
    """`key=value` pairs separated by spaces; a value may not contain a space or '='."""
    out = []
    for key, value in pairs.items():
        text = str(value)
        if not key or " " in key or "=" in key or " " in text or "=" in text or not text:
            raise ValueError(f"cannot put {key!r}={value!r} on the summary line")
        out.append(f"{key}={text}")
    return " ".join(out)


def summary_line(
    databases: Mapping[str, Mapping[str, Any]],
    lighthouse: Mapping[str, Any] | None,
    modules: Mapping[str, float] | None = None,
) -> str:
    return format_summary(summary_pairs(databases, lighthouse, modules))


def parse_summary(line: str) -> dict[str, float | int | str]:
    """The pairs of a summary line; numbers as int or float, anything else as text."""
    pairs: dict[str, float | int | str] = {}
    for item in line.split():
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ValueError(f"not a key=value pair: {item!r}")
        if key in pairs:
            raise ValueError(f"key {key!r} appears twice")
        value: float | int | str
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                value = text
        pairs[key] = value
    return pairs
