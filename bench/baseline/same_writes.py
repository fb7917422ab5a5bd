"""The intake baseline that does the same writes as a report: the rows `report_submit` and the web form's rate
limit write for one report, written with plain SQL (`cursor.execute`) in one transaction.

What a form POST writes for a report without photos, in this order (bench/README.md, "Intake"): the rate
limit's count (`lapor_submissioncount`, the first write of the report's transaction), the report (`lapor_report`,
whose triggers also feed the search index), its first event (`lapor_reportevent`), its audit record
(`core_auditevent`), the queued confirmation email (django_tasks_db's `DBTaskResult`), then the command center's
summary cells (`dasbor_statcell` ×2,
`dasbor_rollupcell` ×10, `dasbor_placecell`, `dasbor_backlogcell`, one upsert statement each). The baseline
writes the same rows with the same values a report of the form would have, minus what a request must compute
or read first (validation, the tracking code's uniqueness check, the working-day calendar, the rate limit's
read): the least the server, the middleware and the database can do for one report. Whether the report is public on
arrival (its `published_at`, the summary cells' `is_public`) follows the Pemda's `publish_reports`, as a real one.

Its rows are marked so that the bench can tell them from real reports: the code starts with CODE_PREFIX
(lower case: real codes are upper case), the email task is queued on TASK_QUEUE (no worker reads it) and the
rate-limit row has its own key. The column lists come from the models, so a new column with a default is
written as the ORM would; a new NOT NULL column without one stops the plan (add it to `_report_values`).
`tests/bench/test_same_writes.py` checks that the baseline writes the tables a real submission writes, one row
each, and that the command center's summary still agrees with the reports.
"""

from __future__ import annotations

import random
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

CODE_PREFIX = "bench-"  # + 10 hex digits = 16 characters, Report.code's length
TASK_QUEUE = "bench"  # the queued emails of the baseline: no worker listens to this queue
RATE_KEY = "bench:same-writes"  # real buckets are "lapor.submit:ip:…@<window>" or "api.submit:client:…"
RATE_WINDOW = timedelta(hours=1)


# Columns whose Python value the database driver takes as it is (text, numbers, booleans); the others (dates,
# UUIDs, JSON, addresses) are converted for the database as the ORM would (`get_db_prep_save`).
PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _is_plain(f: models.Field[Any, Any]) -> bool:
    if isinstance(f, models.ForeignKey):
        return isinstance(f.target_field, PLAIN)
    return isinstance(f, PLAIN)


@dataclass(frozen=True)
class Insert:
    """`INSERT INTO table (every concrete column but an auto primary key) VALUES (...)`, built once."""

    sql: str
    fields: tuple[tuple[models.Field[Any, Any], bool], ...]  # (field, its value goes to the driver as it is)
    constants: dict[str, Any]  # prepared values of the columns a row does not give and whose default is fixed

    def params(self, db: BaseDatabaseWrapper, values: dict[str, Any]) -> list[Any]:
        out = []
        for f, plain in self.fields:
            name = f.attname
            if name in values:
                value = values[name]
                out.append(value if plain or value is None else f.get_db_prep_save(value, db))
            elif name in self.constants:
                out.append(self.constants[name])
            else:  # a callable default (a token, a dict): a new value for every row, as the ORM does
                out.append(f.get_db_prep_save(f.get_default(), db))
        return out


def insert_of(model: type[models.Model], given: set[str], db: BaseDatabaseWrapper, *, returning: bool) -> Insert:
    qn = db.ops.quote_name
    fields = tuple(
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    )
    constants = {}
    for f in fields:
        if f.attname in given:
            continue
        if not f.has_default() and not f.null and not f.empty_strings_allowed:
            raise ImproperlyConfigured(
                f"{model.__name__}.{f.attname} has no default: the same-writes baseline must give it"
            )
        if not callable(f.default):
            constants[f.attname] = f.get_db_prep_save(f.get_default(), db)
    missing = given - {f.attname for f in fields}
    if missing:
        raise ImproperlyConfigured(f"{model.__name__} has no column {sorted(missing)}")
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 - names from the models
    if returning:
        sql += f" RETURNING {qn(model._meta.pk.column)}"
    return Insert(sql, tuple((f, _is_plain(f)) for f in fields), constants)


@dataclass(frozen=True)
class Upsert:
    """The summary's `INSERT … ON CONFLICT (key) DO UPDATE SET metric = metric + excluded.metric` for `rows` cells."""

    sql: str
    key: tuple[str, ...]
    metrics: tuple[str, ...]

    def params(self, db: BaseDatabaseWrapper, cells: list[tuple[tuple[Any, ...], dict[str, int]]]) -> list[Any]:
        out: list[Any] = []
        for key, amounts in sorted(cells, key=lambda cell: cell[0]):  # the summary's lock order: by key
            out.extend(db.ops.adapt_datefield_value(v) if isinstance(v, date) else v for v in key)
            out.extend(amounts.get(m, 0) for m in self.metrics)
        return out


def upsert_of(model: type[models.Model], rows: int, db: BaseDatabaseWrapper) -> Upsert:
    qn = db.ops.quote_name
    key: tuple[str, ...] = model.KEY  # type: ignore[attr-defined]
    metrics: tuple[str, ...] = model.METRICS  # type: ignore[attr-defined]
    table = qn(model._meta.db_table)
    row = "(" + ", ".join(["%s"] * (len(key) + len(metrics))) + ")"
    update = ", ".join(f"{qn(m)} = {table}.{qn(m)} + excluded.{qn(m)}" for m in metrics)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in (*key, *metrics))}) "  # noqa: S608 - names from the models
        f"VALUES {', '.join([row] * rows)} ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {update}"
    )
    return Upsert(sql, key, metrics)


@dataclass
class Plan:
    """Everything a request needs that does not change: the statements, the city's places and categories."""

    report: Insert
    event: Insert
    audit: Insert
    task: Insert
    stat: Upsert
    rollup: Upsert
    place: Upsert
    backlog: Upsert
    rate_sql: str  # one upsert of the baseline's row of `lapor_submissioncount`
    public: bool  # the Pemda publishes on arrival: the report is public at once
    places: list[tuple[str, str]]  # (kecamatan, kelurahan) codes
    categories: list[tuple[int, str, str]]  # (id, slug, default weight)
    tz: ZoneInfo
    date_max: datetime
    rng: random.Random = field(default_factory=random.Random)


_plans: dict[str, Plan] = {}
_lock = threading.Lock()


def plan() -> Plan:
    """This process's plan for the database it is connected to (read once, as Balai's per-process copies)."""
    name = str(connection.settings_dict["NAME"])
    with _lock:
        if name not in _plans:
            _plans[name] = _build_plan(connection)
        return _plans[name]


def forget_plans() -> None:
    """For the tests: the city they load differs from one test to the next."""
    with _lock:
        _plans.clear()


REPORT_GIVEN = {
    "created_at", "updated_at", "code", "kind", "category_id", "title", "description", "kecamatan_id",
    "kelurahan_id", "address", "reporter_name", "reporter_email", "reporter_phone", "is_anonymous",
    "is_confidential", "consent_at", "status", "channel", "weight", "verify_due_at", "submission_token",
    "photo_count", "language", "published_at",
}  # fmt: skip


def _build_plan(db: BaseDatabaseWrapper) -> Plan:
    from django_tasks_db.models import DBTaskResult, get_date_max

    from balai.core.models import AuditEvent, PublishReports, Wilayah
    from balai.core.selectors import pemda_current
    from balai.dasbor.models import BacklogCell, PlaceCell, RollupCell, StatCell
    from balai.lapor.models import Category, Report, ReportEvent, SubmissionCount

    pemda = pemda_current()
    if pemda is None:
        raise ImproperlyConfigured("the Pemda profile is not configured")
    qn = db.ops.quote_name
    table = qn(SubmissionCount._meta.db_table)
    rate_sql = (
        f"INSERT INTO {table} ({qn('created_at')}, {qn('updated_at')}, {qn('key')}, {qn('count')}, "  # noqa: S608
        f"{qn('expires_at')}) VALUES (%s, %s, %s, 1, %s) ON CONFLICT ({qn('key')}) DO UPDATE SET "
        f"{qn('count')} = {table}.{qn('count')} + 1, {qn('updated_at')} = excluded.{qn('updated_at')}"
    )
    return Plan(
        report=insert_of(Report, REPORT_GIVEN, db, returning=True),
        event=insert_of(
            ReportEvent,
            {"report_id", "created_at", "actor_label", "kind", "from_status", "to_status", "note", "is_public"},
            db,
            returning=False,
        ),
        audit=insert_of(
            AuditEvent,
            {"created_at", "actor_label", "action", "object_type", "object_id", "changes", "ip_address"},
            db,
            returning=False,
        ),
        task=insert_of(
            DBTaskResult,
            {
                "id",
                "status",
                "enqueued_at",
                "args_kwargs",
                "priority",
                "task_path",
                "queue_name",
                "backend_name",
                "run_after",
            },
            db,
            returning=False,
        ),
        stat=upsert_of(StatCell, 2, db),
        rollup=upsert_of(RollupCell, 10, db),
        place=upsert_of(PlaceCell, 1, db),
        backlog=upsert_of(BacklogCell, 1, db),
        rate_sql=rate_sql,
        public=pemda.publish_reports == PublishReports.ON_ARRIVAL,
        places=[
            (str(parent), str(code))
            for code, parent in Wilayah.objects.kelurahan_of(pemda.wilayah_id).values_list("code", "parent_id")
        ],
        categories=[(c.pk, c.slug, c.default_weight) for c in Category.objects.filter(is_active=True)],
        tz=ZoneInfo(pemda.time_zone),
        date_max=get_date_max(),
    )


def _report_values(
    p: Plan, now: datetime, code: str, category: tuple[int, str, str], place: tuple[str, str]
) -> dict[str, Any]:
    number = p.rng.randint(10**7, 10**8 - 1)
    title = f"Jalan berlubang di depan pasar nomor {number % 1000}"
    return {
        "created_at": now,
        "updated_at": now,
        "code": code,
        "kind": "pengaduan",
        "category_id": category[0],
        "title": title,
        "description": f"{title}. Sudah seminggu belum ada perbaikan, mohon segera ditangani. Dekat pasar.",
        "kecamatan_id": place[0],
        "kelurahan_id": place[1],
        "address": "Jalan Sam Ratulangi dekat pasar",
        "reporter_name": "Warga Bench",
        "reporter_email": f"warga{number}@contoh.id",
        "reporter_phone": f"+62812{number}",
        "is_anonymous": False,
        "is_confidential": False,
        "consent_at": now,
        "status": "diterima",
        "channel": "web",
        "weight": category[2],
        "verify_due_at": now + timedelta(days=3),
        "submission_token": uuid.uuid4(),
        "photo_count": 0,
        "language": "id",
        "published_at": now if p.public else None,
    }


def write(*, ip_address: str | None) -> str:
    """Write one report's rows; returns its code."""
    p = plan()
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy `connection`
    now = timezone.now()
    code = CODE_PREFIX + secrets.token_hex(5)
    category = p.rng.choice(p.categories)
    place = p.rng.choice(p.places)
    values = _report_values(p, now, code, category, place)
    local = now.astimezone(p.tz).date()
    month, week = local.replace(day=1), local - timedelta(days=local.weekday())
    deadline = values["verify_due_at"].astimezone(p.tz).date()
    category_id, kecamatan, kelurahan = category[0], place[0], place[1]
    received = {"received": 1}
    with transaction.atomic(), db.cursor() as cursor:
        _count_rate(p, db, cursor, now)
        cursor.execute(p.report.sql, p.report.params(db, values))
        report_id = cursor.fetchone()[0]
        event = {
            "report_id": report_id,
            "created_at": now,
            "actor_label": "pelapor",
            "kind": "status",
            "from_status": "",
            "to_status": "diterima",
            "note": "",
            "is_public": True,
        }
        cursor.execute(p.event.sql, p.event.params(db, event))
        audit = {
            "created_at": now,
            "actor_label": "pelapor",
            "action": "report.submit",
            "object_type": "lapor.report",
            "object_id": code,
            "changes": {"channel": "web", "category": category[1], "photos": 0},
            "ip_address": ip_address,
        }
        cursor.execute(p.audit.sql, p.audit.params(db, audit))
        task = {
            "id": uuid.uuid4(),
            "status": "READY",
            "enqueued_at": now,
            "args_kwargs": {"args": [code], "kwargs": {}},
            "priority": 0,
            "task_path": "balai.lapor.tasks.send_report_received",
            "queue_name": TASK_QUEUE,
            "backend_name": "default",
            "run_after": p.date_max,
        }
        cursor.execute(p.task.sql, p.task.params(db, task))
        public, unit = p.public, 0
        stat_dims = (unit, category_id, kecamatan, "web", public)
        rollups = (
            ("all", ""),
            ("unit", str(unit)),
            ("category", str(category_id)),
            ("kecamatan", kecamatan),
            ("channel", "web"),
        )
        periods = (("M", month), ("W", week))
        cursor.execute(p.stat.sql, p.stat.params(db, [((g, d, *stat_dims), received) for g, d in periods]))
        rollup_cells = [((g, dim, d, key, public), received) for g, d in periods for dim, key in rollups]
        cursor.execute(p.rollup.sql, p.rollup.params(db, rollup_cells))
        cursor.execute(p.place.sql, p.place.params(db, [((month, kelurahan, unit, public), received)]))
        backlog_key = (unit, category_id, kecamatan, "web", public, "diterima", deadline)
        cursor.execute(p.backlog.sql, p.backlog.params(db, [(backlog_key, {"reports": 1})]))
    return code


def _count_rate(p: Plan, db: BaseDatabaseWrapper, cursor: Any, now: datetime) -> None:
    """The rate limit's count: one statement on the baseline's row (a real report's conditional increment reads
    its row in the same statement; the form's peek before is untimed here)."""
    stamp = db.ops.adapt_datetimefield_value(now)
    cursor.execute(p.rate_sql, [stamp, stamp, RATE_KEY, db.ops.adapt_datetimefield_value(now + RATE_WINDOW)])
