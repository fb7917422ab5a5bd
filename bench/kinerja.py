"""The plan pages at scale (bench/README.md, "Plan pages"; summary key `kinerja_scale_ratio`).

A fresh SQLite database (or DATABASE_URL) gets the demo city's organisation and the planning module's demo plan
(about 300 sub kegiatan a year, two years of quarterly realisation). The public programme pages and the OPD
evaluation table are timed in-process with Django's test client (no server: the figure is the pages' own work,
queries and rendering). The database is copied (SQLite's backup API, PostgreSQL's `CREATE DATABASE … TEMPLATE`)
and in the copy every sub kegiatan, its indicator, realisation and achieved values are copied 19 times (20× the
demo's plan) and the summary cells recounted (`balai kinerja summary rebuild`, what an operator runs after writing
rows beside the services). Then each page is timed on both databases taking turns request by request. The ratio
of p95s is printed per page and, as the last line, the worst as `kinerja_scale_ratio=…` (goal ≤ 1.5).

    uv run python -m bench.kinerja --requests 40
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from .figures import percentile

YEAR = 2026
PAGES = {
    "year": "/kinerja/{year}/",
    "opd": "/kinerja/{year}/opd/dinas-pupr/",
    "urusan": "/kinerja/{year}/urusan/",
    "places": "/kinerja/{year}/wilayah/",
    "lkjip": "/kinerja/{year}/lkjip/dinas-pupr/",
    "program": "/kinerja/kegiatan/{program}/",
}


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    from balai.core.registry import DemoContext
    from balai.kinerja.demo import load
    from balai.platform.demo import DEMO_PASSWORD, load_demo

    pemda = load_demo(reports=0, modules=False)
    load(DemoContext(pemda=pemda, password=DEMO_PASSWORD, rng=random.Random(7172)))  # noqa: S311 - sample data


def _grow(copies: int) -> int:
    """Copy every sub kegiatan (with its indicators, realisations and values) `copies` times."""
    from django.db import transaction

    from balai.kinerja.models import Activity, Indicator, IndicatorValue, Level, Realisation

    with transaction.atomic():
        originals = list(Activity.objects.filter(level=Level.SUB_KEGIATAN))
        indicators = {}
        for i in Indicator.objects.filter(activity__in=originals):
            indicators.setdefault(i.activity_id, []).append(i)
        realisations = {}
        for r in Realisation.objects.filter(activity__in=originals).prefetch_related("values"):
            realisations.setdefault(r.activity_id, []).append(r)
        for n in range(1, copies + 1):
            clones = []
            for a in originals:
                clone = Activity(
                    plan_id=a.plan_id, level=a.level, parent_id=a.parent_id, program_id=a.program_id, code=f"{a.code}.{n:02d}",
                    name=f"{a.name} ({n})", unit_id=a.unit_id, urusan=a.urusan, goal_id=a.goal_id, pagu=a.pagu,
                    kelurahan_id=a.kelurahan_id, geometry=a.geometry, spbe=a.spbe,
                )  # fmt: skip
                clones.append(clone)
            Activity.objects.bulk_create(clones, batch_size=500)
            made = {
                (c.plan_id, c.unit_id, c.code): c
                for c in Activity.objects.filter(code__endswith=f".{n:02d}", level=Level.SUB_KEGIATAN)
            }
            new_indicators, new_realisations = [], []
            for a in originals:
                clone = made[(a.plan_id, a.unit_id, f"{a.code}.{n:02d}")]
                new_indicators.extend(
                    Indicator(activity=clone, name=i.name, kind=i.kind, unit_label=i.unit_label, target=i.target,
                              direction=i.direction)
                    for i in indicators.get(a.pk, [])
                )  # fmt: skip
                new_realisations.extend(
                    Realisation(activity=clone, quarter=r.quarter, physical_pct=r.physical_pct, financial=r.financial,
                                status=r.status, achievement=r.achievement, submitted_at=r.submitted_at,
                                checked_at=r.checked_at)
                    for r in realisations.get(a.pk, [])
                )  # fmt: skip
            Indicator.objects.bulk_create(new_indicators, batch_size=500)
            Realisation.objects.bulk_create(new_realisations, batch_size=500)
            by_activity: dict[int, list[Any]] = {}
            for i in Indicator.objects.filter(activity__code__endswith=f".{n:02d}"):
                by_activity.setdefault(i.activity_id, []).append(i)
            values = [
                IndicatorValue(realisation=r, indicator=indicator, achieved=indicator.target)
                for r in Realisation.objects.filter(activity__code__endswith=f".{n:02d}")
                for indicator in by_activity.get(r.activity_id, [])
            ]
            IndicatorValue.objects.bulk_create(values, batch_size=500)
    # Rows written in bulk, beside the services: recount the summary cells as `balai kinerja summary rebuild` does.
    from balai.kinerja.summary import summary_rebuild

    summary_rebuild()
    return Activity.objects.filter(level=Level.SUB_KEGIATAN).count()


def _time_pages(requests: int, urls: dict[str, str]) -> dict[str, dict[str, float]]:
    """p95 per page and size, the two databases taking turns request by request (as `make bench` does with its
    two servers), so a slow spell of the machine falls on both sides of a ratio alike."""
    from django.test import Client

    from balai.kinerja.models import Activity, Level

    from .measure import _use_database

    program = (
        Activity.objects.filter(plan__year=YEAR, unit__slug="dinas-pupr", level=Level.PROGRAM).order_by("code").last()
    )
    if program is None:
        raise SystemExit("the demo plan is missing: no figures")
    client = Client()
    # The growth just made and dropped hundreds of thousands of objects: collect them now, or the samples pay for
    # the copy's garbage (a worker serving the grown plan would not carry it).
    gc.collect()
    p95: dict[str, dict[str, float]] = {size: {} for size in urls}
    for name, pattern in PAGES.items():
        url = pattern.format(year=YEAR, program=program.public_id)
        samples: dict[str, list[float]] = {size: [] for size in urls}
        for turn in range(requests + 1):
            for size, database in urls.items():
                _use_database(database)
                started = time.perf_counter()
                response = client.get(url)
                if turn:  # the first turn warms each side
                    samples[size].append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code} ({size}): no figures")
        for size in urls:
            p95[size][name] = percentile(samples[size], 0.95)
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page and size")
    parser.add_argument("--copies", type=int, default=19, help="copies of the demo plan added (19: 20× the demo)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-kinerja-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    _setup()
    from balai.kinerja.models import Activity, Level

    from .measure import _copy_database, _use_database

    small_subs = Activity.objects.filter(level=Level.SUB_KEGIATAN).count()
    urls = {"small": os.environ["DATABASE_URL"], "large": _copy_database(os.environ["DATABASE_URL"])}
    _use_database(urls["large"])
    large_subs = _grow(args.copies)
    p95 = _time_pages(args.requests, urls)
    small, large = p95["small"], p95["large"]
    print(f"sub kegiatan: {small_subs} → {large_subs}")
    print(f"{'page':<10}{'p95 small ms':>14}{'p95 large ms':>14}{'ratio':>8}")
    ratios: dict[str, Any] = {}
    for name in PAGES:
        ratios[name] = large[name] / small[name]
        print(f"{name:<10}{small[name]:>14.1f}{large[name]:>14.1f}{ratios[name]:>8.2f}")
    print(f"kinerja_scale_ratio={max(ratios.values()):.2f}")


if __name__ == "__main__":
    main()
