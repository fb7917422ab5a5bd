"""The SPBE overview page and the index computation with 47 indicators × 5 evaluation years, against 1 year
(bench/README.md, "SPBE self-assessment"; summary keys `spbe_overview_ratio`, `spbe_index_ratio`).

A fresh SQLite database with the demo city's organisation; the first year from the shipped PermenPANRB 59/2020
data with all 47 levels reviewed, timed; then four more years (each a copy of the last, all reviewed), timed
again. The overview page is fetched in-process by Django's test client as the system administrator (the whole
view, template included; no network); the index computation is `balai.spbe.selectors.overview` alone.

    uv run python -m bench.spbe [--requests 60]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .figures import format_summary


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] * 1000


def _time(run: Callable[[], Any], count: int) -> float:
    run()  # warm: the first call fills the per-process copies
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return _p95(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="balai-bench-spbe-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from balai.platform.demo import load_demo
    from balai.spbe import selectors, services

    setup_test_environment()
    # Served in-process without `collectstatic`: the static files' plain names, as in the tests.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    call_command("migrate", verbosity=0)
    load_demo(reports=0, modules=False)
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    rng = random.Random(59)  # noqa: S311 - sample levels, not secrets
    first = 2021

    def add_year(year: int) -> Any:
        framework = services.framework_create_year(actor=None, year=year)
        services.levels_record(actor=None, framework=framework, levels={n: rng.randint(1, 5) for n in range(1, 48)},
                               note="bench")  # fmt: skip
        return framework

    def measure(framework: Any) -> tuple[float, float]:
        url = f"/staf/spbe/{framework.year}/"

        def page() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"bench (spbe): FAILED, no figures: {url} answered {response.status_code}")

        return _time(page, args.requests), _time(lambda: selectors.overview(framework), args.requests * 3)

    latest = add_year(first)
    page_1, index_1 = measure(latest)
    for year in range(first + 1, first + 5):
        latest = add_year(year)
    page_5, index_5 = measure(latest)
    print(f"overview page p95: {page_1:.1f} ms (1 year), {page_5:.1f} ms (5 years)")
    print(f"index computation p95: {index_1:.2f} ms (1 year), {index_5:.2f} ms (5 years)")
    print(format_summary({
        "spbe_overview_ratio": f"{page_5 / page_1:.2f}",
        "spbe_index_ratio": f"{index_5 / index_1:.2f}",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
