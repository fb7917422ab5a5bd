"""PPID at scale: the p95 of the public register and of a PPID pelaksana's inbox at LARGE information requests ÷
at SMALL (bench/README.md, "PPID register and inbox"; summary keys `ppid_register_ratio`, `ppid_inbox_ratio`).

A fresh SQLite database (or DATABASE_URL) with the demo city's organisation; SMALL requests are written with
bulk inserts (answered ones spread over the OPD, a tenth private, some open and overdue), the pages are timed
in-process with Django's test client (no network: what is measured is the view, its queries and the template),
then the table grows to LARGE and the same pages are timed again.

    uv run python -m bench.ppid                         # 1,000 then 100,000
    uv run python -m bench.ppid --small 1000 --large 10000 --rounds 20
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from typing import Any


def _setup(database: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Pages are rendered in-process: the static files' plain storage (no collected manifest needed).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip

    call_command("migrate", verbosity=0)


def _grow(target: int) -> None:
    """Write requests until the table holds `target`, by bulk insert (no services: the pages are measured)."""
    from django.utils import timezone

    from balai.core.models import Unit, UnitKind
    from balai.ppid.models import InformationRequest, Status

    units = list(Unit.objects.filter(kind=UnitKind.OPD).order_by("pk"))
    have = InformationRequest.objects.count()
    now = timezone.now()
    batch: list[InformationRequest] = []
    for n in range(have, target):
        received = now - timedelta(minutes=7 * n)
        answered = n % 10 >= 2
        status = Status.DIJAWAB if answered else (Status.DITERUSKAN if n % 10 == 1 else Status.DITERIMA)
        batch.append(InformationRequest(
            code=f"PPID-B{n:07d}"[:14], register_number=f"BENCH/PPID/{n:07d}", requester_kind="perorangan",
            name="Pemohon", information=f"Salinan dokumen anggaran nomor {n} untuk kelurahan {n % 69}",
            purpose="Bench", obtain_how="salinan", copy_form="elektronik", delivery="email", status=status,
            unit=units[n % len(units)] if status != Status.DITERIMA else None, received_at=received,
            due_at=received + timedelta(days=14), notice_at=received + timedelta(days=5) if answered else None,
            decision="diberikan" if answered else "", answer="Terlampir." if answered else "",
            is_private=n % 10 == 9,
        ))  # fmt: skip
        if len(batch) == 5000:
            InformationRequest.objects.bulk_create(batch)
            batch = []
    if batch:
        InformationRequest.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _time(client: Any, path: str, rounds: int) -> float:
    from bench.figures import percentile

    client.get(path)  # warm
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return percentile(samples, 0.95)


PAGES = {
    "register": "/ppid/register/",
    "register_search": "/ppid/register/?q=anggaran",
    "inbox": "/staf/ppid/",
    "inbox_overdue": "/staf/ppid/?tampilan=overdue",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="balai-bench-ppid-")
    _setup(os.path.join(folder, "ppid.sqlite3"))
    from django.contrib.auth import get_user_model
    from django.test import Client

    from balai.core.models import Unit
    from balai.core.services import membership_grant
    from balai.platform.demo import load_demo

    load_demo(reports=0, modules=False)
    user = get_user_model().objects.create_user("bench.pelaksana", "b@x.id", "x")
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug="dinas-pupr"), role="pelaksana", module="ppid")
    public, staff = Client(), Client()
    staff.force_login(user)
    figures: dict[str, dict[str, float]] = {}
    for size in (args.small, args.large):
        _grow(size)
        figures[str(size)] = {
            name: _time(staff if name.startswith("inbox") else public, path, args.rounds)
            for name, path in PAGES.items()
        }
        print(f"{size:>9,} requests: " + ", ".join(f"{k} p95 {v:.1f} ms" for k, v in figures[str(size)].items()))
    small, large = figures[str(args.small)], figures[str(args.large)]
    ratios = {name: large[name] / small[name] for name in PAGES}
    register = max(ratios["register"], ratios["register_search"])
    inbox = max(ratios["inbox"], ratios["inbox_overdue"])
    print(f"ppid_register_ratio={register:.2f} ppid_inbox_ratio={inbox:.2f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    raise SystemExit(main())
