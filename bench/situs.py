"""The websites at scale (issue 14; summary keys `situs_ratio_max` and `situs_news_kb`, printed by this script only).

Two SQLite databases, each migrated with the demo city (no reports) and filled with bulk inserts: SMALL sites x
news per site, then LARGE (the issue's 100 x 2,000 against 10 x 200), each by a child process. Then each page
below is requested REQUESTS times in this process (Django's test client, the full middleware stack), the two
databases taking turns request by request, and the p95 of each is compared: LARGE / SMALL, worst page, goal <= 1.5. The news page's weight is its HTML plus its
stylesheets, gzipped (as nginx and WhiteNoise send them), goal <= 30 KB.

    DATABASE_URL=sqlite:////tmp/situs-bench.sqlite3 .venv/bin/python -m bench.situs --small 10x200 --large 100x2000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

PAGES = ("site_home", "news_page", "news_list", "portal_home", "portal_search")


def _fill(sites: int, per_site: int) -> dict[str, str]:
    from django.db import transaction
    from django.utils import timezone

    from balai.core.models import Unit, UnitKind
    from balai.situs import search
    from balai.situs.models import Kind, Page, PageStatus, Site

    now = timezone.now()
    units = [
        Unit(name=f"Dinas Bench {i:03d}", short_name=f"Bench {i}", slug=f"bench-{i:03d}", kind=UnitKind.OPD)
        for i in range(sites)
    ]
    Unit.objects.bulk_create(units, batch_size=500)
    units = list(Unit.objects.filter(slug__startswith="bench-").order_by("slug"))
    Site.objects.bulk_create(
        [
            Site(
                unit=u,
                tugas_fungsi="Tugas.",
                visi_misi="Visi.",
                address="Bitung",
                profile_reviewed_at=now,
                services_reviewed_at=now,
            )
            for u in units
        ],
        batch_size=500,
    )
    words = ("posyandu", "jalan", "sekolah", "pasar", "banjir", "vaksin", "pelabuhan", "taman")
    body = "Paragraf isi berita. " * 40
    targets = list(Site.objects.filter(unit__in=units).values_list("pk", "unit__short_name"))
    rows = [
        Page(
            site_id=site_id,
            kind=Kind.NEWS if n % 10 else Kind.SERVICE,
            slug=f"berita-{n}",
            status=PageStatus.PUBLISHED,
            title=f"Kegiatan {words[n % len(words)]} nomor {n} di {short}",
            summary="Ringkasan singkat kegiatan untuk warga.",
            body=body,
            published_at=now - timedelta(minutes=n),
        )
        for n in range(per_site)
        for site_id, short in targets
    ]
    # Large batches, committed every 20,000 rows (one transaction for all of them spilled the page cache).
    for start in range(0, len(rows), 20_000):
        with transaction.atomic():
            Page.objects.bulk_create(rows[start : start + 20_000], batch_size=500)
    with transaction.atomic():
        search.index_rebuild()  # the bulk load bypassed the services that keep the word index
    first = Site.objects.select_related("unit").get(unit__slug="bench-000")
    return {
        "site_home": first.path,
        "news_page": f"{first.path}berita-1/",
        "news_list": f"{first.path}berita/",
        "portal_home": "/portal/",
        "portal_search": "/portal/cari/?q=posyandu+nomor",
    }


def _prepare(url: str, sites: int, per_site: int) -> dict[str, str]:
    from django.core.management import call_command

    from balai.platform.demo import load_demo

    os.environ["DATABASE_URL"] = url
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_demo(reports=0, modules=False)
    return _fill(sites, per_site)


def _news_kb(client: Any, path: str) -> float:
    from django.contrib.staticfiles import finders

    body = client.get(path).content
    sheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', body.decode())
    total = len(gzip.compress(body)) + sum(len(gzip.compress(Path(finders.find(s)).read_bytes())) for s in sheets)
    return round(total / 1024, 1)


def _time(urls: dict[str, str], paths: dict[str, str], requests: int) -> dict[str, dict[str, float]]:
    """In this process: each page timed on both databases, taking turns request by request (as `make bench` does
    with its two servers), so that a slow spell of the machine falls on both sides of a ratio alike."""
    import django

    django.setup()
    from django.test import Client

    from .figures import percentile
    from .measure import _use_database

    client = Client()
    times: dict[str, dict[str, list[float]]] = {size: {p: [] for p in PAGES} for size in urls}
    for turn in range(requests + 1):
        for page in PAGES:
            for size, url in urls.items():
                _use_database(url)
                started = time.perf_counter()
                response = client.get(paths[page])
                if turn:  # the first turn warms each side: URL conf, templates, the first connection
                    times[size][page].append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(
                        f"bench (situs): {paths[page]} answered {response.status_code} ({size}); no figures"
                    )
    news_kb = {}
    for size, url in urls.items():
        _use_database(url)
        news_kb[size] = _news_kb(client, paths["news_page"])
    return {
        size: {
            "p95_ms": {p: round(percentile(v, 0.95) * 1000, 2) for p, v in times[size].items()},
            "news_kb": news_kb[size],
        }
        for size in urls
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", default="10x200")
    parser.add_argument("--large", default="100x2000")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--fill", help=argparse.SUPPRESS)  # internal: build one size's database in this process
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")
    os.environ.setdefault("DEBUG", "true")  # static files from the app folders, no manifest needed
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.fill:
        import django

        django.setup()
        sites, per_site = map(int, args.fill.split("x"))
        print(json.dumps(_prepare(os.environ["DATABASE_URL"], sites, per_site)))
        return
    urls, paths = {}, {}
    for name, size in (("small", args.small), ("large", args.large)):
        db = Path(args.dir) / f"situs-bench-{name}.sqlite3"
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
        started = time.monotonic()
        urls[name] = f"sqlite:///{db}"
        out = subprocess.run(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", "bench.situs", "--fill", size],
            env={**os.environ, "DATABASE_URL": urls[name]}, capture_output=True, text=True, check=True,
        )  # fmt: skip
        paths[name] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{name} ({size}): built in {time.monotonic() - started:.0f} s", flush=True)
    if paths["small"] != paths["large"]:
        raise SystemExit(f"bench (situs): the two sizes have different pages to time: {paths}")
    os.environ["DATABASE_URL"] = urls["small"]
    results = _time(urls, paths["small"], args.requests)
    for name in urls:
        print(f"{name}: p95 ms {results[name]['p95_ms']}")
    ratios = {p: round(results["large"]["p95_ms"][p] / results["small"]["p95_ms"][p], 2) for p in PAGES}
    summary = {"ratios": ratios, "situs_ratio_max": max(ratios.values()), "situs_news_kb": results["large"]["news_kb"]}
    print(json.dumps(summary))
    print(
        f"situs_ratio_max={summary['situs_ratio_max']} (goal <= 1.5) situs_news_kb={summary['situs_news_kb']} (goal <= 30)"
    )


if __name__ == "__main__":
    main()
