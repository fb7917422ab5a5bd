"""The open-data catalogue at 100 and at 10,000 datasets: p95 of CKAN's package_search (as a harvester pages it,
and as a search box asks it) and of the public catalogue page; summary key `data_scale_ratio`.

    uv run python -m bench.open_data [--small 100] [--large 10000] [--requests 60]

Runs in one process on a throw-away SQLite database (migrated, the demo city's organisation, then datasets with a
file, tags and groups written in bulk), through Django's full request stack (middleware, URL routing, views,
templates) with the test client: no network and no gunicorn, so the ratio shows how the queries and rendering
grow with the catalogue, not the server's overhead. Rate limits are off (the bench is one client).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PAGES = {
    "harvest": ("/api/3/action/package_search", {"rows": "100", "start": "0", "sort": "id asc",
                                                  "fq": "metadata_modified:[2020-01-01T00:00:00Z TO *]"}),
    "search": ("/api/3/action/package_search", {"q": "tabel", "rows": "10"}),
    "search_org": ("/api/3/action/package_search", {"fq": "organization:dinkes", "rows": "10"}),
    "catalogue": ("/data/", {}),
    "catalogue_search": ("/data/", {"q": "kesehatan"}),
}  # fmt: skip


def _setup(path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")
    os.environ["RATELIMIT_ENABLE"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.RATELIMIT_ENABLE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from balai.platform.demo import load_demo

    load_demo(reports=0, modules=False)


def _grow(total: int) -> None:
    """Datasets up to `total`, each with one CSV file, two tags and a group, spread over the OPD."""
    from balai.core.models import Unit, UnitKind
    from balai.data.models import Dataset, Group, Resource, Tag

    have = Dataset.objects.count()
    units = list(Unit.objects.filter(kind=UnitKind.OPD).order_by("slug"))
    tags = [Tag.objects.get_or_create(name=n)[0] for n in ("kesehatan", "jalan", "sekolah", "penduduk", "anggaran")]
    groups = [Group.objects.get_or_create(name=n, defaults={"title": n.title()})[0] for n in ("kesehatan", "umum")]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    batch = 2000
    for first in range(have, total, batch):
        rows = [
            Dataset(name=f"tabel-{i:06d}", title=f"Tabel {i} {tags[i % 5].name}", notes=f"Data uji nomor {i}.",
                    unit=units[i % len(units)], steward="Diskominfo", state="published",
                    metadata_modified=start + timedelta(minutes=i), frequency="yearly")
            for i in range(first, min(first + batch, total))
        ]  # fmt: skip
        made = Dataset.objects.bulk_create(rows)
        Resource.objects.bulk_create([
            Resource(dataset=d, name=f"{d.title}.csv", format="CSV", file=f"data/{d.uuid}/x.csv", size=100,
                     row_count=5, last_modified=d.metadata_modified,
                     dictionary=[{"name": "kode", "title": "kode", "type": "string", "description": "Kode"}],
                     preview={"columns": ["kode"], "rows": [["1"]]})
            for d in made
        ])  # fmt: skip
        Dataset.tags.through.objects.bulk_create(
            [Dataset.tags.through(dataset=d, tag=tags[n % 5]) for n, d in enumerate(made)]
            + [Dataset.tags.through(dataset=d, tag=tags[(n + 1) % 5]) for n, d in enumerate(made)]
        )
        Dataset.groups.through.objects.bulk_create(
            [Dataset.groups.through(dataset=d, group=groups[n % 2]) for n, d in enumerate(made)]
        )
    from django.db import connection

    from balai.data.search import index_rebuild

    index_rebuild()  # rows written in bulk, as an import would: the word index is made once after
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def _measure(requests: int) -> dict[str, float]:
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    result = {}
    for name, (path, params) in PAGES.items():
        for _ in range(5):  # warm-up (and the catalogue's cached filter choices)
            client.get(path, params)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path, params)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"bench (open data): {path} answered {response.status_code}; no figures")
        result[name] = round(_p95(samples), 2)
    cache.clear()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder) / "bench.sqlite3")
        _grow(args.small)
        small = _measure(args.requests)
        _grow(args.large)
        large = _measure(args.requests)
    from bench.figures import format_summary

    ratios = {name: round(large[name] / small[name], 2) for name in PAGES}
    for name in PAGES:
        print(f"{name:18} p95 {small[name]:8.2f} ms at {args.small:>6}  {large[name]:8.2f} ms at {args.large:>6}"
              f"  ratio {ratios[name]:.2f}")  # fmt: skip
    summary: dict[str, Any] = {"data_scale_ratio": max(ratios.values())}
    print(format_summary(summary))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
