"""Village reports and KIM at scale (issue 17): p95 of the units × periods matrix (the mayor's office's view) and
of the public KIM page, at 500 units × 60 months against 70 units × 6 months; goal: the ratio ≤ 1.5.

    uv run python -m bench.desa                # both sizes on SQLite, ~1-2 minutes; prints key=value lines

Each size is built in a fresh SQLite database of its own (a child process): migrate, the demo city's
organisation, extra desa units from the packaged wilayah of the province, one monthly report per unit and month
(bulk inserts), one KIM per unit with three published posts. The pages are timed in-process with Django's test
client (no network), after a warm-up. Keys: desa_matrix_ratio and desa_kim_ratio (bench/figures.py KEYS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL = (70, 6)
LARGE = (500, 60)
REQUESTS = 40
WARMUP = 5


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def build_and_time(units: int, months: int) -> dict[str, float]:
    import datetime as dt
    import uuid

    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from balai.core.models import Unit, UnitKind, Wilayah, WilayahLevel
    from balai.core.selectors import work_calendar
    from balai.core.services import membership_grant, wilayah_import
    from balai.desa.models import Kim, KimPost, PostStatus, ReportType, Submission, SubmissionStatus
    from balai.desa.periods import deadline, periods_ended
    from balai.desa.setup import default_report_types_create
    from balai.platform.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo(reports=0, modules=False)
    default_report_types_create(None)
    territorial = list(Unit.objects.filter(kind__in=["kelurahan", "desa"]).order_by("wilayah_id"))
    if len(territorial) < units:
        wilayah_import(only="71")  # the province: enough desa for the large size
        kecamatan = list(Unit.objects.filter(kind=UnitKind.KECAMATAN))
        taken = set(Unit.objects.exclude(wilayah=None).values_list("wilayah_id", flat=True))
        spare = Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN).exclude(code__in=taken).order_by("code")
        extra = [
            Unit(name=w.name.title(), slug=f"bench-{w.code.replace('.', '-')}", kind=UnitKind.DESA, wilayah=w,
                 parent=kecamatan[i % len(kecamatan)])
            for i, w in enumerate(spare[: units - len(territorial)])
        ]  # fmt: skip
        Unit.objects.bulk_create(extra)
        territorial = list(Unit.objects.filter(kind__in=["kelurahan", "desa"]).order_by("wilayah_id"))
    chosen = territorial[:units]
    Unit.objects.filter(kind__in=["kelurahan", "desa"]).exclude(pk__in=[u.pk for u in chosen]).update(is_active=False)
    report_type = ReportType.objects.get()
    calendar = work_calendar()
    now = timezone.now()
    rows = []
    for n, period in enumerate(periods_ended(report_type.period, calendar.local_date(now), months)):
        due = deadline(calendar, period, report_type.deadline_days)
        for i, unit in enumerate(chosen):
            if (i + n) % 7 == 0:
                continue  # missing
            sent = due + dt.timedelta(days=1) if (i + n) % 5 == 0 else due - dt.timedelta(days=1)
            rows.append(
                Submission(public_id=uuid.uuid4(), report_type=report_type, unit=unit, period_key=period.key,
                           status=SubmissionStatus.ACCEPTED, values={"lahir": i % 9, "meninggal": n % 3},
                           due_at=due, first_sent_at=sent, sent_at=sent)
            )  # fmt: skip
    Submission.objects.bulk_create(rows, batch_size=2000)
    kims = Kim.objects.bulk_create(
        [Kim(slug=f"kim-bench-{u.pk}", unit=u, name=f"KIM {u.name}", last_activity_at=now) for u in chosen]
    )
    KimPost.objects.bulk_create(
        [
            KimPost(public_id=uuid.uuid4(), kim=k, title=f"Berita {j} {k.name}", body="Teks.",
                    status=PostStatus.PUBLISHED, published_at=now - dt.timedelta(days=j + 1))
            for k in kims for j in range(3)
        ],
        batch_size=2000,
    )  # fmt: skip
    call_command("shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")
    office = get_user_model().objects.create_user("bench.pemerintahan", "b@example.org", "x")
    membership_grant(actor=None, user=office, unit=Unit.objects.get(slug="setda"), role="pemerintahan", module="desa")
    figures = {"submissions": float(len(rows)), "units": float(len(chosen))}
    for key, url, signed_in in (("matrix", "/staf/desa/matriks/", True), ("kim", "/kim/", False)):
        client = Client()
        if signed_in:
            client.force_login(office)
        samples = []
        for i in range(WARMUP + REQUESTS):
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            if i >= WARMUP:
                samples.append(elapsed)
        figures[f"{key}_p95_ms"] = round(_p95(samples), 2)
    return figures


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(build_and_time(int(sys.argv[2]), int(sys.argv[3]))))
        return
    results = {}
    for name, (units, months) in (("small", SMALL), ("large", LARGE)):
        with tempfile.TemporaryDirectory(prefix="bench-desa-") as folder:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{folder}/balai.sqlite3",
                "DJANGO_SETTINGS_MODULE": "balai.settings",
                "BALAI_DATA_DIR": folder,
                "MEDIA_ROOT": str(Path(folder) / "media"),
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            }
            done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
                [sys.executable, "-m", "bench.desa", "--child", str(units), str(months)],
                env=env, capture_output=True, text=True, check=True, timeout=1800,
            )  # fmt: skip
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    for name, figures in results.items():
        print(name, json.dumps(figures))
    for key in ("matrix", "kim"):
        print(f"desa_{key}_ratio={results['large'][f'{key}_p95_ms'] / results['small'][f'{key}_p95_ms']:.2f}")


if __name__ == "__main__":
    main()
