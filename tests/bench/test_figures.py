"""The bench's own arithmetic (bench/figures.py): percentiles, ratios, the checks that make a run fail, and the
summary line. Pure functions: no database, no server."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from bench import figures
from bench.figures import BenchFailedError


class TestPercentile:
    def test_nearest_rank(self) -> None:
        values = [float(v) for v in range(1, 101)]  # 1..100
        assert figures.percentile(values, 0.50) == 50
        assert figures.percentile(values, 0.95) == 95
        assert figures.percentile(values, 1.0) == 100

    def test_order_of_the_values_does_not_matter(self) -> None:
        values = [float(v) for v in range(1, 21)]
        shuffled = values[:]
        random.Random(1).shuffle(shuffled)
        assert figures.percentile(shuffled, 0.95) == figures.percentile(values, 0.95) == 19

    def test_few_values(self) -> None:
        assert figures.percentile([7.0], 0.95) == 7
        assert figures.percentile([1.0, 2.0], 0.5) == 1  # nearest rank: ceil(0.5 * 2) = the first
        assert figures.percentile([1.0, 2.0], 0.95) == 2
        assert figures.percentile([3.0, 1.0, 2.0], 0.5) == 2

    def test_exact_ranks_are_not_pushed_up_by_rounding(self) -> None:
        # 0.95 * 20 is 19.000000000000004 in floating point: still rank 19, not 20.
        assert figures.percentile([float(v) for v in range(1, 21)], 0.95) == 19

    @pytest.mark.parametrize("fraction", [0.0, -0.1, 1.5])
    def test_fraction_out_of_range(self, fraction: float) -> None:
        with pytest.raises(ValueError, match="fraction"):
            figures.percentile([1.0], fraction)

    def test_no_values(self) -> None:
        with pytest.raises(ValueError, match="no values"):
            figures.percentile([], 0.5)


def test_latency_summary_in_milliseconds() -> None:
    seconds = [0.001 * v for v in range(1, 101)]
    summary = figures.latency_summary(seconds)
    assert summary == {"n": 100, "p50_ms": 50.0, "p95_ms": 95.0, "max_ms": 100.0, "mean_ms": 50.5}


class TestRatesAndRatios:
    def test_rate(self) -> None:
        assert figures.rate(300, 4.0) == 75.0
        assert figures.rate(5, 0.0) == 0.0

    def test_ratio_rounds(self) -> None:
        assert figures.ratio(198.6, 1409.5) == 0.141
        assert figures.ratio(55.8, 37.6, 2) == 1.48
        assert figures.ratio(0.0, 10.0) == 0.0

    @pytest.mark.parametrize("denominator", [0.0, -1.0])
    def test_a_reference_that_measured_nothing_fails_the_run(self, denominator: float) -> None:
        with pytest.raises(BenchFailedError, match="measured nothing"):
            figures.ratio(10.0, denominator)


class TestLoadProblems:
    def test_a_clean_load(self) -> None:
        assert figures.load_problems("intake form", [], 120) == []

    def test_any_error_is_a_problem(self) -> None:
        problems = figures.load_problems("intake form", ["HttpError: POST /lapor/: 500"], 120)
        assert problems == ["intake form: 1 request(s) failed (first: HttpError: POST /lapor/: 500)"]

    def test_a_load_that_counted_nothing(self) -> None:
        assert figures.load_problems("intake baseline", [], 0) == [
            "intake baseline: no request answered inside the counted window"
        ]


class TestStoredProblems:
    def test_every_acknowledged_write_stored(self) -> None:
        checks = {
            "form_and_visit": {"acknowledged": 10, "reports": 10, "events": 10, "queued_emails": 10},
            "baseline": {"acknowledged": 500, "inserts": 500},
        }
        assert figures.stored_problems(checks) == []

    def test_a_missing_row(self) -> None:
        checks = {"form_and_visit": {"acknowledged": 10, "reports": 10, "events": 9}}
        assert figures.stored_problems(checks) == ["form_and_visit: 10 acknowledged, 9 events stored"]

    def test_a_row_stored_but_not_acknowledged(self) -> None:
        # A request that failed after its commit: the server wrote it, the client saw an error.
        checks = {"same_writes": {"acknowledged": 10, "reports": 11}}
        assert figures.stored_problems(checks) == ["same_writes: 10 acknowledged, 11 reports stored"]

    def test_either_side_of_a_ratio(self) -> None:
        checks = {
            "form_and_visit": {"acknowledged": 10, "reports": 10},
            "baseline": {"acknowledged": 500, "inserts": 499},
        }
        assert figures.stored_problems(checks) == ["baseline: 500 acknowledged, 499 inserts stored"]

    def test_no_acknowledged_count(self) -> None:
        assert figures.stored_problems({"form": {"reports": 3}}) == ["form: no count of acknowledged requests"]


def _load(per_second: float, done: int, errors: int = 0) -> dict[str, Any]:
    return {
        "per_second": per_second,
        "done": done,
        "acknowledged": done + 5,
        "errors": errors,
        "first_errors": ["HttpError: POST /lapor/: 500"] if errors else [],
    }


def _result(
    *, form: float = 200.0, baseline: float = 1400.0, same: float = 350.0, cold: tuple[float, float] = (20.0, 60.0)
) -> dict[str, Any]:
    """A database's result file as bench.measure writes it (only what the arithmetic reads)."""
    return {
        "database": {"vendor": "sqlite", "version": "3.40.1"},
        "intake": {
            "baseline": _load(baseline, 5600),
            "same_writes": _load(same, 1400),
            "form": _load(form, 800),
            "visit": _load(160.0, 640),
            "ratio": figures.ratio(form, baseline),
            "visit_ratio": figures.ratio(160.0, baseline),
            "same_writes_ratio": figures.ratio(form, same),
            "stored": {
                "sent": 1450,
                "checks": {
                    "form_and_visit": {"acknowledged": 1450, "reports": 1450, "events": 1450},
                    "same_writes": {"acknowledged": 1405, "reports": 1405},
                    "baseline": {"acknowledged": 5605, "inserts": 5605},
                },
            },
        },
        "scale": {"ratio_max": 1.12},
        "memory": {"peak_rss_mb": 137.1},
        "weight": {"form": {"kb": 24.7, "kb_gzip": 14.4}, "home": {"kb": 14.4, "kb_gzip": 10.3}},
        "generation": [{"per_second": 1200}, {"per_second": 1051}],
        "home_cold": {
            "small": {"n": 30, "p95_ms": cold[0]},
            "large": {"n": 30, "p95_ms": cold[1]},
            "p95_ratio": figures.ratio(cold[1], cold[0], 2),
        },
    }


class TestResultProblems:
    def test_a_run_that_kept_its_word(self) -> None:
        assert figures.result_problems(_result()) == []

    @pytest.mark.parametrize("load", ["baseline", "same_writes", "form", "visit"])
    def test_an_error_on_any_load(self, load: str) -> None:
        result = _result()
        result["intake"][load]["errors"] = 2
        result["intake"][load]["first_errors"] = ["ConnectionResetError: [Errno 104]"]
        problems = figures.result_problems(result)
        assert problems == [f"intake {load}: 2 request(s) failed (first: ConnectionResetError: [Errno 104]; …)"]

    def test_a_report_acknowledged_but_not_stored(self) -> None:
        result = _result()
        result["intake"]["stored"]["checks"]["form_and_visit"]["reports"] = 1449
        assert figures.result_problems(result) == ["form_and_visit: 1450 acknowledged, 1449 reports stored"]

    def test_no_stored_check_is_a_problem(self) -> None:
        result = _result()
        del result["intake"]["stored"]
        assert figures.result_problems(result) == ["intake: no stored-versus-acknowledged check"]

    def test_a_missing_load(self) -> None:
        result = _result()
        del result["intake"]["same_writes"]
        assert figures.result_problems(result) == ["intake: the same_writes load is missing"]

    def test_problems_the_measure_recorded(self) -> None:
        result = _result()
        result["problems"] = ["home_cold: GET / at large did not recount its figures"]
        assert figures.result_problems(result) == ["home_cold: GET / at large did not recount its figures"]

    def test_no_cold_sample(self) -> None:
        result = _result()
        result["home_cold"]["large"]["n"] = 0
        assert figures.result_problems(result) == ["home_cold: no sample at large"]


class TestSummary:
    def databases(self) -> dict[str, dict[str, Any]]:
        sqlite = _result(form=200.0, baseline=1400.0, same=320.0, cold=(20.0, 70.0))
        pg = _result(form=170.0, baseline=1300.0, same=400.0, cold=(30.0, 50.0))
        pg["scale"]["ratio_max"] = 1.43
        pg["memory"]["peak_rss_mb"] = 140.5
        pg["weight"]["home"]["kb"] = 14.5
        return {"sqlite": sqlite, "postgresql": pg}

    def test_plain_keys_are_the_worse_database(self) -> None:
        pairs = figures.summary_pairs(self.databases(), None)
        assert pairs["intake_ratio"] == 0.131  # PostgreSQL: 170 / 1300
        assert pairs["scale_ratio_max"] == 1.43
        assert pairs["home_kb"] == 14.5
        assert pairs["rss_mb"] == 140.5
        assert pairs["intake_same_writes_ratio"] == 0.425  # PostgreSQL: 170 / 400 (SQLite 200 / 320 = 0.625)
        assert pairs["home_cold_ms_small"] == 30.0
        assert pairs["home_cold_ms_large"] == 70.0
        assert pairs["home_cold_ratio"] == 3.5  # SQLite: 70 / 20

    def test_each_database_under_its_prefix(self) -> None:
        pairs = figures.summary_pairs(self.databases(), None)
        assert pairs["sqlite_intake_ratio"] == 0.143
        assert pairs["pg_intake_ratio"] == 0.131
        assert pairs["sqlite_intake_same_writes_ratio"] == 0.625
        assert pairs["pg_home_cold_ratio"] == 1.67
        assert pairs["sqlite_gen_per_s"] == 1200

    def test_the_line_starts_as_it_always_did(self) -> None:
        """Keys added later come after the earlier ones; no earlier key moved or changed its meaning."""
        keys = list(figures.summary_pairs(self.databases(), None))
        assert keys[:5] == ["intake_ratio", "scale_ratio_max", "form_kb", "home_kb", "rss_mb"]
        assert keys[5:10] == [
            "sqlite_intake_ratio",
            "sqlite_intake_visit_ratio",
            "sqlite_scale_ratio_max",
            "sqlite_rss_mb",
            "sqlite_gen_per_s",
        ]
        assert keys.index("home_kb_gzip") < keys.index("intake_same_writes_ratio")

    def test_every_key_is_documented(self) -> None:
        lighthouse = {"pages": {"home": {"performance": 100, "accessibility": 100, "seo": 90}}}
        pairs = figures.summary_pairs(self.databases(), lighthouse)
        assert pairs["lh_home_performance"] == 100
        assert "lh_home_seo" not in pairs
        assert all(figures.is_known_key(key) for key in pairs)
        assert not figures.is_known_key("intake_ratio_v2")
        assert not figures.is_known_key("pg_home_kb")  # not a per-database key

    def test_the_module_benches_come_last(self) -> None:
        modules = {"kinerja_scale_ratio": 1.31, "situs_news_kb": 7.8}
        pairs = figures.summary_pairs(self.databases(), None, modules)
        assert list(pairs)[-2:] == ["kinerja_scale_ratio", "situs_news_kb"]
        assert pairs["kinerja_scale_ratio"] == 1.31
        with pytest.raises(ValueError, match="undocumented"):
            figures.summary_pairs(self.databases(), None, {"kinerja_ratio_v2": 1.0})

    def test_one_database(self) -> None:
        only = {"postgresql": self.databases()["postgresql"]}
        pairs = figures.summary_pairs(only, None)
        assert pairs["intake_ratio"] == pairs["pg_intake_ratio"]
        assert not any(key.startswith("sqlite_") for key in pairs)

    def test_no_database(self) -> None:
        with pytest.raises(BenchFailedError):
            figures.summary_pairs({}, None)

    def test_line_and_parse_round_trip(self) -> None:
        databases = self.databases()
        line = figures.summary_line(databases, None)
        assert "\n" not in line
        assert line.startswith("intake_ratio=0.131 scale_ratio_max=1.43 form_kb=24.7 home_kb=14.5 rss_mb=140.5 ")
        assert figures.parse_summary(line) == figures.summary_pairs(databases, None)

    def test_does_not_change_its_input(self) -> None:
        databases = self.databases()
        before = copy.deepcopy(databases)
        figures.summary_line(databases, None)
        assert databases == before


class TestFormatAndParse:
    def test_format(self) -> None:
        assert figures.format_summary({"a": 1, "b": 0.5, "c": "x"}) == "a=1 b=0.5 c=x"

    @pytest.mark.parametrize(("key", "value"), [("a b", 1), ("a=b", 1), ("", 1), ("a", "x y"), ("a", "x=y"), ("a", "")])
    def test_a_pair_that_would_not_parse_back(self, key: str, value: Any) -> None:
        with pytest.raises(ValueError, match="summary line"):
            figures.format_summary({key: value})

    def test_parse_numbers_and_text(self) -> None:
        assert figures.parse_summary("a=1 b=0.25 c=1e3 d=x") == {"a": 1, "b": 0.25, "c": 1000.0, "d": "x"}
        assert isinstance(figures.parse_summary("a=1")["a"], int)

    @pytest.mark.parametrize("line", ["a", "=1", "a=1 a=2"])
    def test_parse_rejects(self, line: str) -> None:
        with pytest.raises(ValueError):
            figures.parse_summary(line)

    def test_parse_the_readme_example(self) -> None:
        line = (
            "intake_ratio=0.052 scale_ratio_max=1.49 form_kb=24.7 home_kb=14.4 rss_mb=143.2 sqlite_intake_ratio=0.057 "
            "pg_gen_per_s=1823 form_kb_gzip=14.4 home_kb_gzip=10.3"
        )
        pairs = figures.parse_summary(line)
        assert pairs["intake_ratio"] == 0.052
        assert pairs["pg_gen_per_s"] == 1823
        assert all(figures.is_known_key(key) for key in pairs)
