"""Fill a database with synthetic but realistic reports, fast (bulk inserts, no per-row services).

    uv run python -m bench.generate --reports 1000000      # migrates and loads the demo city first

Reports are spread over the demo city's kelurahan (and so its kecamatan), the categories, several years
(more in recent years), and walk the lifecycle of `balai.lapor.models.TRANSITIONS` with one ReportEvent
per status step: old reports are mostly finished, archived or forwarded, recent ones still open, a few
stalled. Dispatched reports have a `lead_unit`; some reports are anonim, some rahasia. The audit trail is
not written (it is not read by any page measured).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import queue
import random
import resource
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

# Status walk: the next status and its weight. Every pair must be allowed by TRANSITIONS (checked below).
# `None` means the report stays where it is (a finished report that is not reopened).
NEXT: dict[str, list[tuple[str | None, int]]] = {
    "diterima": [("diverifikasi", 80), ("ditunda", 6), ("bukan_wewenang", 4), ("diarsipkan", 10)],
    "ditunda": [("diterima", 35), ("diverifikasi", 35), ("diarsipkan", 30)],
    "diverifikasi": [("didisposisikan", 92), ("bukan_wewenang", 4), ("diarsipkan", 4)],
    "didisposisikan": [("diproses", 93), ("diverifikasi", 7)],  # 7 %: the OPD returns it to the coordinator
    "diproses": [("selesai", 97), ("diverifikasi", 3)],
    "selesai": [(None, 95), ("diproses", 5)],  # 5 %: the reporter reopens it
}
# How long until the next step, in hours (uniform between the two), by the status being left.
STEP_HOURS = {
    "diterima": (2, 80),
    "ditunda": (24, 240),
    "diverifikasi": (1, 48),
    "didisposisikan": (4, 120),
    "diproses": (24, 720),
    "selesai": (48, 240),
}
CITY_SEED = 7171  # which categories and kelurahan are busier: the same in every run
STALL_CHANCE = 0.01  # per step: a report that stops moving, the late work the back office must chase
NOTES = {
    "diverifikasi": "Laporan sudah diverifikasi.",
    "didisposisikan": "Diteruskan ke OPD yang berwenang.",
    "diproses": "Petugas sedang menangani di lapangan.",
    "selesai": "Sudah ditangani. Terima kasih atas laporan Anda.",
    "ditunda": "Mohon lengkapi lokasi yang lebih tepat.",
    "diterima": "Pelapor sudah melengkapi keterangan.",
    "bukan_wewenang": "Bukan kewenangan Pemerintah Kota; silakan hubungi instansi vertikal terkait.",
    "diarsipkan": "Laporan ganda atau terlalu umum.",
}
FIRST_NAMES = [
    "Yohanes", "Maria", "Ferry", "Novita", "Hendra", "Siti", "Jefri", "Lenny", "Abdul", "Meiske", "Ricky",
    "Fatimah", "Stevanus", "Grace", "Rahmat", "Olivia", "Donny", "Nur", "Christian", "Yuliana",
]  # fmt: skip
LAST_NAMES = [
    "Sumampouw", "Pangemanan", "Lumintang", "Rondonuwu", "Kaunang", "Rahma", "Wowor", "Tambuwun", "Karim",
    "Walangitan", "Manoppo", "Bachmid", "Lumenta", "Tumbelaka", "Mamahit", "Sondakh", "Rumengan", "Mokodompit",
]  # fmt: skip
DETAILS = [
    "Sudah berlangsung sejak {days} hari yang lalu dan mengganggu warga {kel}.",
    "Kondisi ini membahayakan pengendara motor dan anak sekolah, terutama malam hari.",
    "Sudah pernah disampaikan ke kelurahan tetapi belum ada tindak lanjut.",
    "Mohon segera ditindaklanjuti. Lokasi dekat {place}.",
    "Warga sekitar siap membantu bila diperlukan gotong royong.",
    "Saat hujan keadaannya semakin parah.",
]


@dataclass
class GenerateResult:
    reports: int
    events: int
    seconds: float
    cpu_seconds: float = 0.0  # of the generator's processes, not of the database server

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0


@dataclass
class _World:
    """What the generator draws from, loaded once."""

    prefix: str
    categories: list[Any]
    category_weights: list[float]
    kelurahan: list[Any]
    kelurahan_weights: list[float]
    opd: list[Any]
    coordinator: Any
    operators: dict[int, Any]  # unit id → a user operating it
    centres: dict[str, tuple[float, float]]  # kecamatan code → (latitude, longitude)
    titles: dict[str, list[str]]  # category slug → sample titles of the demo
    model_fields: set[str] = field(default_factory=set)


def _check_walk() -> None:
    from balai.lapor.models import TRANSITIONS

    for source, choices in NEXT.items():
        for target, _weight in choices:
            if target is not None and target not in TRANSITIONS[source]:
                raise RuntimeError(f"bench.generate walks {source} → {target}, which TRANSITIONS no longer allows")


def _load_world(rng: random.Random) -> _World:
    from django.contrib.auth import get_user_model

    from balai.core.models import Membership, Role, Unit, Wilayah, WilayahLevel
    from balai.core.selectors import pemda_current
    from balai.lapor.models import Category, Report
    from balai.platform.demo import CATEGORIES, KECAMATAN_CENTRES

    pemda = pemda_current()
    if pemda is None:
        raise RuntimeError("no Pemda configured: load the demo city first (balai.platform.demo.load_demo)")
    categories = list(Category.objects.filter(is_active=True).select_related("default_unit").order_by("order"))
    kelurahan = list(Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN, code__startswith=f"{pemda.wilayah_id}."))
    if not categories or not kelurahan:
        raise RuntimeError("the Pemda has no categories or no kelurahan")
    operators = {
        m.unit_id: m.user for m in Membership.objects.filter(role=Role.OPERATOR, is_active=True).select_related("user")
    }
    return _World(
        prefix=pemda.code_prefix,
        categories=categories,
        # Some problems are reported far more often than others, and some kelurahan are busier.
        category_weights=[rng.uniform(0.2, 1.0) ** 2 for _ in categories],
        kelurahan=kelurahan,
        kelurahan_weights=[rng.uniform(0.3, 1.0) for _ in kelurahan],
        opd=list(Unit.objects.opd().active()),
        coordinator=get_user_model().objects.filter(memberships__role=Role.KOORDINATOR).first(),
        operators=operators,
        centres=dict(KECAMATAN_CENTRES),
        titles={slug: list(titles) for slug, *_rest, titles in CATEGORIES},
        model_fields={f.name for f in Report._meta.get_fields()},
    )


@contextmanager
def _keep_given_timestamps(*models: Any) -> Iterator[None]:
    """Let bulk_create store the created_at/updated_at we give instead of now()."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _verify_due_function() -> Callable[[datetime], datetime]:
    from balai.core.selectors import work_calendar
    from balai.lapor.models import VERIFY_WORKING_DAYS

    calendar = work_calendar()

    @lru_cache(maxsize=4096)
    def by_day(day: date) -> datetime:
        return calendar.add_working_days(
            datetime.combine(day, datetime.min.time(), tzinfo=calendar.tz), VERIFY_WORKING_DAYS
        )

    return lambda moment: by_day(calendar.local_date(moment))


def _due_function() -> Callable[[datetime, str], datetime]:
    from balai.core.selectors import work_calendar
    from balai.lapor.models import WEIGHT_WORKING_DAYS

    calendar = work_calendar()

    @lru_cache(maxsize=16384)
    def by_day(day: date, weight: str) -> datetime:
        start = datetime.combine(day, datetime.min.time(), tzinfo=calendar.tz)
        return calendar.add_working_days(start, WEIGHT_WORKING_DAYS.get(weight, 5))

    return lambda moment, weight: by_day(calendar.local_date(moment), weight)


def _walk(rng: random.Random, created: datetime, now: datetime) -> list[tuple[str, str, datetime]]:
    """(from, to, when) status steps after `diterima`, stopping at the present or a final status."""
    steps: list[tuple[str, str, datetime]] = []
    status, moment = "diterima", created
    while status in NEXT and len(steps) < 12:
        low, high = STEP_HOURS[status]
        moment = moment + timedelta(hours=rng.uniform(low, high))
        if moment > now or rng.random() < STALL_CHANCE:
            break
        targets, weights = zip(*NEXT[status], strict=True)
        target = rng.choices(targets, weights)[0]
        if target is None:
            break
        steps.append((status, target, moment))
        status = target
    return steps


def generate(
    *,
    count: int,
    seed: int = 2026,
    years: float = 4.0,
    batch_size: int = 2000,
    jobs: int = 0,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> GenerateResult:
    """Insert `count` more reports (with their events) into the database of the current settings.

    `jobs` processes build and insert batches side by side; each draws tracking codes from its own share of
    the code space, so they can never collide with each other. By default one per core on PostgreSQL, and
    one on SQLite: it has one writer at a time, and Balai's connections take the write lock when a
    transaction begins, so more processes only take turns (measured: slower).
    """
    from django.db import connection, connections
    from django.utils import timezone

    _check_walk()
    if not jobs:
        jobs = 1 if connection.vendor == "sqlite" else os.cpu_count() or 1
    jobs = max(1, min(jobs, count // batch_size))
    now = now or timezone.now()
    started, cpu_before = time.perf_counter(), _cpu_seconds()
    if jobs == 1:
        events = _generate_part(count, seed, now, years, batch_size, 0, 1)
        if progress:
            progress(count)
        result = GenerateResult(count, events, time.perf_counter() - started, _cpu_seconds() - cpu_before)
        analyze()
        return result

    context = multiprocessing.get_context("fork")
    done = context.Value("q", 0)
    results: Any = context.Queue()
    connections.close_all()  # each process opens its own connection
    shares = [count // jobs + (1 if part < count % jobs else 0) for part in range(jobs)]
    workers = [
        context.Process(
            target=_part_process, args=(results, done, share, seed * 1000 + part, now, years, batch_size, part, jobs)
        )
        for part, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    events, finished, reported = 0, 0, 0
    try:
        while finished < jobs:
            try:
                outcome = results.get(timeout=0.5)
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise RuntimeError("a generator process died") from None
            else:
                if isinstance(outcome, str):
                    raise RuntimeError(f"a generator process failed:\n{outcome}")
                events += outcome
                finished += 1
            if progress and done.value - reported >= 100_000:
                reported = done.value - done.value % 100_000
                progress(reported)
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
    if progress and reported != count:
        progress(count)
    result = GenerateResult(count, events, time.perf_counter() - started, _cpu_seconds() - cpu_before)
    analyze()
    return result


def analyze() -> None:
    """Query planner statistics for the new rows, as a running server has them: PostgreSQL's autovacuum
    analyzes a table after enough changes, `balai worker` refreshes SQLite's every few minutes. Not timed."""
    from django.db import connection

    from balai.lapor.search import refresh_statistics

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        refresh_statistics(connection)
    connection.close()


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _part_process(results: Any, done: Any, *args: Any) -> None:
    try:
        results.put(_generate_part(*args, done=done))
    except BaseException:
        results.put(traceback.format_exc())


def _generate_part(
    count: int, seed: int, now: datetime, years: float, batch_size: int, part: int, parts: int, *, done: Any = None
) -> int:
    """One process's share: `count` reports; returns the number of events written."""
    from django.db import connection, transaction

    from balai.lapor import codes
    from balai.lapor.models import Channel, EventKind, Report, ReportEvent, ReportKind
    from balai.platform.demo import PLACES, STREETS

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    world = _load_world(random.Random(CITY_SEED))  # noqa: S311 - the same busy places whatever the seed
    verify_due = _verify_due_function()
    follow_up_due = _due_function()
    has = world.model_fields
    taken = set(Report.objects.values_list("code", flat=True))
    span = years * 365 * 86400
    kinds = [ReportKind.PENGADUAN, ReportKind.ASPIRASI, ReportKind.INFORMASI]
    channels = [Channel.WEB, Channel.STAFF, Channel.API, Channel.EMAIL]
    category_cum = list(itertools.accumulate(world.category_weights))
    kelurahan_cum = list(itertools.accumulate(world.kelurahan_weights))

    def new_code() -> str:
        while True:
            code = codes.generate(world.prefix)
            if code not in taken and codes.ALPHABET.index(code[-1]) % parts == part:
                taken.add(code)
                return code

    # Oldest first, so that ids grow with time as in a real database. More reports in recent years:
    # 30 % spread evenly, 70 % growing linearly towards now.
    ages = sorted(
        (span * (u if rng.random() < 0.3 else 1 - u**0.5) for u in (rng.random() for _ in range(count))), reverse=True
    )
    events_made = 0
    with _keep_given_timestamps(Report):
        for offset in range(0, count, batch_size):
            drafts: list[tuple[Report, list[tuple[str, str, datetime]]]] = []
            for age in ages[offset : offset + batch_size]:
                created = now - timedelta(seconds=age)
                category = rng.choices(world.categories, cum_weights=category_cum)[0]
                kel = rng.choices(world.kelurahan, cum_weights=kelurahan_cum)[0]
                street, place = rng.choice(STREETS), rng.choice(PLACES)
                options = world.titles.get(category.slug) or [category.name + " di {street}"]
                title = rng.choice(options).format(street=street, place=place, kel=kel.name)[:150]
                details = " ".join(rng.sample(DETAILS, 3)).format(days=rng.randint(1, 30), kel=kel.name, place=place)
                anonymous = rng.random() < 0.15
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                email = f"{first}.{last}{rng.randint(1, 999)}@contoh.id".lower() if rng.random() < 0.6 else ""
                phone = f"+62812{rng.randint(10000000, 99999999)}" if not email or rng.random() < 0.5 else ""
                point = rng.random() < 0.7
                lat, lng = world.centres.get(kel.parent_id or "", (1.45, 125.17))
                steps = _walk(rng, created, now)
                status = steps[-1][1] if steps else "diterima"
                lead_unit = None
                for _from, to, _when in steps:
                    if to == "didisposisikan":
                        lead_unit = category.default_unit if rng.random() < 0.9 else rng.choice(world.opd)
                    elif to in ("diverifikasi", "bukan_wewenang", "diarsipkan"):
                        lead_unit = None
                fields: dict[str, Any] = {
                    "code": new_code(),
                    "kind": rng.choices(kinds, [8, 2, 1])[0],
                    "category_id": category.pk,
                    "title": title,
                    "description": f"{title}. {details}",
                    "kecamatan_id": kel.parent_id,
                    "kelurahan_id": kel.pk,
                    "address": f"{street} dekat {place}" if rng.random() < 0.8 else "",
                    "latitude": Decimal(f"{lat + rng.uniform(-0.008, 0.008):.6f}") if point else None,
                    "longitude": Decimal(f"{lng + rng.uniform(-0.008, 0.008):.6f}") if point else None,
                    "reporter_name": "" if anonymous and rng.random() < 0.7 else f"{first} {last}",
                    "reporter_email": email,
                    "reporter_phone": phone,
                    "is_anonymous": anonymous,
                    "is_confidential": category.slug == "pungli" or rng.random() < 0.05,
                    "consent_at": created,
                    "status": status,
                    "channel": rng.choices(channels, [85, 8, 5, 2])[0],
                    "weight": category.default_weight,
                    "lead_unit_id": lead_unit.pk if lead_unit else None,
                    "verify_due_at": verify_due(created),
                    "language": "en" if rng.random() < 0.05 else "id",
                    "created_at": created,
                    "updated_at": steps[-1][2] if steps else created,
                }
                _lifecycle_fields(rng, fields, steps, has, follow_up_due, now)
                drafts.append((Report(**fields), steps))
            with transaction.atomic():
                reports = Report.objects.bulk_create([report for report, _steps in drafts])
                events = []
                for report, (_draft, steps) in zip(reports, drafts, strict=True):
                    events.append(
                        ReportEvent(
                            report_id=report.pk, created_at=report.created_at, actor=None, actor_label="pelapor",
                            kind=EventKind.STATUS, from_status="", to_status="diterima", note="", is_public=True,
                        )
                    )  # fmt: skip
                    for from_status, to_status, when in steps:
                        actor = _actor_for(world, to_status, from_status, report.lead_unit_id)
                        events.append(
                            ReportEvent(
                                report_id=report.pk, created_at=when, actor_id=actor.pk if actor else None,
                                actor_label=actor.get_username() if actor else _label_for(to_status, from_status),
                                kind=EventKind.STATUS, from_status=from_status, to_status=to_status,
                                note=NOTES.get(to_status, ""), is_public=True,
                            )
                        )  # fmt: skip
                ReportEvent.objects.bulk_create(events)
            events_made += len(events)
            if done is not None:
                with done.get_lock():
                    done.value += len(drafts)
    connection.close()
    return events_made


ARCHIVE_REASONS = [("spam", 3), ("terlalu_umum", 4), ("duplikat", 4), ("tidak_relevan", 2), ("tanpa_klarifikasi", 2)]
REFERRALS = ["Balai Pelaksanaan Jalan Nasional (jalan nasional)", "Polres Bitung", "PLN UP3 Bitung", "BPJS Kesehatan"]


def _lifecycle_fields(
    rng: random.Random,
    fields: dict[str, Any],
    steps: list[tuple[str, str, datetime]],
    has: set[str],
    follow_up_due: Callable[[datetime, str], datetime],
    now: datetime,
) -> None:
    """The columns the back office keeps along the lifecycle, for those this version of the model has."""
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    for _from, to, when in steps:
        first.setdefault(to, when)
        last[to] = when
    status = fields["status"]
    verified = first.get("diverifikasi")
    values: dict[str, Any] = {
        "version": 1 + len(steps),
        "verified_at": verified,
        # Published when verified, the Pemda's default since lapor 0007 (an older model has no such column).
        "published_at": verified,
        "public_title": fields["title"] if verified else "",
        "reopened_count": sum(1 for f, t, _w in steps if (f, t) == ("selesai", "diproses")),
    }
    if fields["lead_unit_id"] is not None and status in ("didisposisikan", "diproses", "selesai"):
        values["dispatched_at"] = last["didisposisikan"]
        values["due_at"] = follow_up_due(last["didisposisikan"], fields["weight"])
    if status == "selesai":
        values["finished_at"] = last["selesai"]
        rated = last["selesai"] + timedelta(days=rng.uniform(0.5, 10))
        if rng.random() < 0.3 and rated < now:
            values["rating"] = rng.choices([1, 2, 3, 4, 5], [5, 5, 15, 35, 40])[0]
            values["rated_at"] = rated
    elif status == "ditunda":
        values["paused_at"] = last["ditunda"]
    elif status == "diarsipkan":
        reasons, weights = zip(*ARCHIVE_REASONS, strict=True)
        values["archive_reason"] = rng.choices(reasons, weights)[0]
    elif status == "bukan_wewenang":
        values["referral"] = rng.choice(REFERRALS)
    fields.update({name: value for name, value in values.items() if name in has and value is not None})


def _actor_for(world: _World, to_status: str, from_status: str, unit_id: int | None) -> Any:
    if to_status in ("diproses", "selesai") or (to_status == "diverifikasi" and from_status != "diterima"):
        return world.operators.get(unit_id) if unit_id else None
    if to_status == "diterima":
        return None  # the reporter answered the clarification
    return world.coordinator


def _label_for(to_status: str, from_status: str) -> str:
    if to_status == "diterima":
        return "pelapor"
    return "operator OPD" if to_status in ("diproses", "selesai", "diverifikasi") else "sistem"


def prepare_database() -> None:
    """Migrate (the bench app too), create the cache table and load the demo city without reports."""
    from django.core.management import call_command

    from balai.platform.demo import load_demo

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_demo(reports=0, modules=False)


def main() -> None:
    parser = argparse.ArgumentParser(description="Add N synthetic reports to the database (DATABASE_URL).")
    parser.add_argument("--reports", type=int, default=100_000, help="how many reports to add (100000)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--years", type=float, default=4.0, help="spread the reports over this many years (4)")
    parser.add_argument("--batch", type=int, default=2000, help="reports per transaction (2000)")
    parser.add_argument(
        "--jobs", type=int, default=0, help="processes inserting side by side (PostgreSQL: one per core)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    prepare_database()

    def progress(done: int) -> None:
        if done % 100_000 == 0 or done == args.reports:
            print(f"  {done:>9,} reports", flush=True)

    result = generate(
        count=args.reports, seed=args.seed, years=args.years, batch_size=args.batch, jobs=args.jobs, progress=progress
    )
    print(
        f"generated {result.reports:,} reports and {result.events:,} events in {result.seconds:.1f} s "
        f"({result.reports_per_second:,.0f} reports/s, {result.cpu_seconds:.1f} CPU s in the generator)"
    )


if __name__ == "__main__":
    main()
