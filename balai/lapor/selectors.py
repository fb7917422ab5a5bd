"""Reads for reports. Public reads can never return rahasia reports or anybody's identity."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from balai.core.models import Role
from balai.core.selectors import user_memberships

from . import paging, search
from .models import OPEN_STATUSES, Category, Report, ReportEvent, ReportPhoto, Status
from .paging import Page, slice_page


@dataclass(frozen=True)
class PublicFilters:
    status: str = ""
    category: str = ""
    kecamatan: str = ""
    q: str = ""


def reports_public(filters: PublicFilters | None = None) -> QuerySet[Report]:
    """Reports for public pages; only the fields a public page may show are loaded."""
    qs: QuerySet[Report] = Report.objects.public().select_related("category", "kecamatan", "kelurahan")
    if not (filters and (filters.status or filters.category or filters.kecamatan)):
        # The same condition once more as an equality: `public()` says `NOT is_confidential`, which SQLite
        # cannot match to the report_public_recent index, so every list page scanned and sorted the whole table.
        # Not with a filter, which has indexes of its own: with the bounded statistics of
        # `search.refresh_statistics` every index looks alike to SQLite, and it counted a kecamatan's reports of
        # one status through report_public_recent, every public report (400 ms at a million).
        qs = qs.filter(is_confidential=Value(False))
    qs = qs.only(
        "code", "title", "public_title", "status", "kind", "created_at", "updated_at", "photo_count", "is_confidential",
        "published_at", "hidden_photo_count",
        "category__name", "category__slug", "kecamatan__code", "kecamatan__name", "kelurahan__code", "kelurahan__name",
    )  # fmt: skip
    if filters:
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.category:
            qs = qs.filter(category__slug=filters.category)
        if filters.kecamatan:
            qs = qs.filter(kecamatan_id=filters.kecamatan)
        if filters.q:
            code = _tracking_code_in(filters.q)
            if code:
                qs = qs.filter(code=code)
            else:
                words = search.terms(filters.q)
                qs = search.matching(qs, words, connections[qs.db].vendor) if words else qs.none()
    return qs


_CODE_SHAPE = re.compile(r"^[A-Z]{2,4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")


def _tracking_code_in(text: str) -> str | None:
    """The tracking code a search is for (`btg-7k3q-9xfa` too), or None for a search by words."""
    candidate = text.strip().upper()
    return candidate if _CODE_SHAPE.match(candidate) else None


PUBLIC_PAGE_SIZE = 20


def public_report_page(filters: PublicFilters, number: int) -> Page:
    """One page of the public list, newest first; by words, newest first by arrival.

    The total is counted up to a cap, and not at all for a search by words (a common word would have to
    be counted in every report that holds it).
    """
    qs = reports_public(filters)
    words = [] if not filters.q or _tracking_code_in(filters.q) else search.terms(filters.q)
    fetch = None
    if words and connections[qs.db].vendor == "postgresql":
        others = reports_public(replace(filters, q=""))

        def fetch(offset: int, limit: int) -> list[Report]:
            ids = search.postgres_page_ids(others, words, offset=offset, limit=limit)
            if ids is None:
                return list(search.postgres_rare_matches(others, words)[offset : offset + limit])
            return _in_order_of(ids, others)

    elif filters.kecamatan and not filters.q and connections[qs.db].vendor == "sqlite":
        # The page's ids from the report table alone, then their rows. Joined to the kecamatan's row, SQLite
        # carries `kecamatan_id = …` over to core_wilayah, starts from that row and, its bounded statistics
        # making the indexes look alike, read the kecamatan's reports newest first through
        # report_kecamatan_recent, skipping the other statuses (240 ms for a rare status at a million),
        # instead of report_kecamatan_status_public.
        def fetch(offset: int, limit: int) -> list[Report]:
            return _in_order_of(list(qs.values_list("pk", flat=True)[offset : offset + limit]), qs)

    return slice_page(qs, number, PUBLIC_PAGE_SIZE, count=not words, fetch=fetch)


def _in_order_of(ids: list[int], qs: QuerySet[Report]) -> list[Report]:
    """The reports of `qs` with these ids, in the order of `ids`."""
    found = {report.pk: report for report in qs.filter(pk__in=ids)} if ids else {}
    return [found[pk] for pk in ids if pk in found]


def report_public_get(code: str) -> Report | None:
    return (
        Report.objects.public()
        .select_related("category", "kecamatan", "kelurahan", "lead_unit")
        .filter(code=code)
        .first()
    )


def report_by_code_for_tracking(code: str) -> Report | None:
    """The holder of a tracking code may follow the report, rahasia or not (the public timeline only)."""
    return Report.objects.select_related("category", "kecamatan", "kelurahan", "lead_unit").filter(code=code).first()


def report_public_events(report: Report) -> list[ReportEvent]:
    return list(report.events.filter(is_public=True).order_by("created_at", "id"))


def report_public_photos(report: Report) -> list[ReportPhoto]:
    """The photos the public may see of a report: none before it is public, never those a coordinator hid."""
    if not report.is_public:
        return []
    return list(report.photos.filter(is_hidden=False))


def public_counts() -> dict[str, int]:
    """Exact figures of public reports; reads every one of them (see public_figures)."""
    counts = Report.objects.public().aggregate(
        total=Count("id"),
        finished=Count("id", filter=Q(status=Status.SELESAI)),
        in_progress=Count("id", filter=Q(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES, Status.DIVERIFIKASI])),
    )
    return {k: v or 0 for k, v in counts.items()}


@dataclass(frozen=True)
class PublicFigures:
    counts: dict[str, int]
    as_of: datetime


FIGURES_KEY = "lapor:public-figures:1"
# The home page's figures are counted at most once in this many seconds, for every server process at once
# (the shared cache); the page says when they were counted.
FIGURES_MAX_AGE = 300


def public_figures() -> PublicFigures:
    """The home page's figures, counted at most every FIGURES_MAX_AGE seconds.

    Counting means reading every public report, so it is done by one request at a time: the others show the
    previous figures meanwhile.
    """
    stored = cache.get(FIGURES_KEY)
    now = timezone.now()
    fresh = isinstance(stored, PublicFigures) and (now - stored.as_of).total_seconds() < FIGURES_MAX_AGE
    if isinstance(stored, PublicFigures) and (fresh or not cache.add(f"{FIGURES_KEY}:busy", 1, 60)):
        return stored
    figures = PublicFigures(counts=public_counts(), as_of=now)
    cache.set(FIGURES_KEY, figures, FIGURES_MAX_AGE * 12)
    cache.delete(f"{FIGURES_KEY}:busy")
    return figures


# The complaint figures of an OPD's website count the reports received in this many days before now.
COMPLAINT_FIGURES_DAYS = 365


@dataclass(frozen=True)
class ComplaintFigures:
    """Reports received in the window (for these OPD: sent to them), how many of those were finished by their
    follow-up deadline, and the median days from arrival to finished (None when none is finished)."""

    received: int
    finished: int
    on_time: int
    median_days: float | None
    since: datetime


def complaint_figures(unit_ids: frozenset[int] | None, now: datetime) -> ComplaintFigures:
    """Two aggregate queries whatever the number of reports (a count, then the middle one or two durations)."""
    since = now - timedelta(days=COMPLAINT_FIGURES_DAYS)
    qs = Report.objects.filter(created_at__gte=since, created_at__lte=now)
    if unit_ids is not None:
        qs = qs.filter(lead_unit_id__in=list(unit_ids))
    done = Q(status=Status.SELESAI, finished_at__isnull=False)
    counts = qs.order_by().aggregate(
        received=Count("id"),
        finished=Count("id", filter=done),
        on_time=Count("id", filter=done & Q(due_at__isnull=False, finished_at__lte=F("due_at"))),
    )
    finished = counts["finished"] or 0
    median = None
    if finished:
        took = ExpressionWrapper(F("finished_at") - F("created_at"), output_field=DurationField())
        middle = list(
            qs.filter(done)
            .annotate(took=took)
            .order_by("took", "pk")
            .values_list("took", flat=True)[(finished - 1) // 2 : finished // 2 + 1]
        )
        median = round(sum(d.total_seconds() for d in middle) / len(middle) / 86400, 1)
    return ComplaintFigures(
        received=counts["received"] or 0, finished=finished, on_time=counts["on_time"] or 0, median_days=median,
        since=since,
    )  # fmt: skip


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("default_unit")


def photo_visible_to(photo: ReportPhoto, user: Any) -> bool:
    """Shown photos of public reports are public; otherwise staff of the Pemda's coordinating roles or the handling
    OPD."""
    report = photo.report
    if report.is_public and not photo.is_hidden:
        return True
    for membership in user_memberships(user):
        if membership.role in (Role.KOORDINATOR, Role.ADMIN_SISTEM, Role.PIMPINAN):
            return True
        if membership.role == Role.OPERATOR and membership.unit_id == report.lead_unit_id:
            return True
    return False


# --- staff ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    kecamatan: str = ""
    unit: str = ""
    due: str = ""


def deadline_expression() -> Any:
    """The deadline that matters now: verification before dispatch, follow-up after."""
    from django.db.models.functions import Coalesce

    return Coalesce("due_at", "verify_due_at")


# `status IN ('diterima', …)` written out rather than bound: SQLite uses a partial index (report_open_deadline
# and its kecamatan and OPD twins) only for a query that contains its condition term for term, and a bound
# parameter is not a literal. PostgreSQL proves the condition from any narrower status filter by itself, and
# misjudges how many rows several status filters leave (it multiplies them), so it gets no extra term.
OPEN_STATUS_SQL = '"lapor_report"."status" IN ({})'.format(", ".join(f"'{status}'" for status in OPEN_STATUSES))


def open_only(qs: QuerySet[Report], *, narrower: bool = False) -> QuerySet[Report]:
    """`qs` restricted to open reports, in the form that lets the inboxes' deadline indexes serve the order.

    `narrower`: `qs` is already restricted to some open statuses (the term is then for SQLite alone).
    """
    if connections[qs.db].vendor == "sqlite":
        return qs.extra(where=[OPEN_STATUS_SQL])  # noqa: S610 - constant SQL, no outside value
    return qs if narrower else qs.filter(status__in=OPEN_STATUSES)


def staff_inbox(scope: Any, filters: InboxFilters, *, now: Any, soon: Any) -> QuerySet[Report]:
    """Reports this staff member works on, most urgent deadline first.

    For open reports (what the inbox shows unless asked otherwise) the order comes from an index; a page of an
    OPD's inbox should be read through `staff_inbox_slice`.
    """
    from .access import reports_visible_to

    qs = reports_visible_to(scope).select_related("category", "kecamatan", "kelurahan", "lead_unit")
    if filters.status == "all":
        pass
    elif filters.status:
        qs = qs.filter(status=filters.status)
        if filters.status in OPEN_STATUSES:
            qs = open_only(qs, narrower=True)
    elif scope.sees_all:
        qs = open_only(qs)
    else:
        qs = open_only(qs.filter(status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES]), narrower=True)
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.kecamatan:
        qs = qs.filter(kecamatan_id=filters.kecamatan)
    if filters.unit == "none":
        qs = qs.filter(lead_unit__isnull=True)
    elif filters.unit:
        qs = qs.filter(lead_unit__slug=filters.unit)
    if filters.q:
        qs = qs.filter(
            Q(code__iexact=filters.q) | Q(title__icontains=filters.q) | Q(public_title__icontains=filters.q)
            | Q(description__icontains=filters.q)
        )  # fmt: skip
    deadline = deadline_expression()
    qs = qs.annotate(deadline=deadline)
    if filters.due == "overdue":
        qs = qs.filter(deadline__lt=now)
    elif filters.due == "soon":
        qs = qs.filter(deadline__gte=now, deadline__lte=soon)
    return qs.order_by(deadline.asc(nulls_last=True), "created_at")


def staff_inbox_slice(
    scope: Any, qs: QuerySet[Report], offset: int, limit: int, *, filters: InboxFilters | None = None
) -> list[Report]:
    """Rows offset…offset + limit of a staff inbox (`staff_inbox`, made with `filters`), read through the
    deadline indexes.

    An OPD's inbox holds the reports it leads or supports: one condition with an OR, which no index can
    serve in deadline order, so the database sorted every open report of the OPD on every page. The rows
    wanted are among the first offset + limit of each part, each read in order from an index (the OPD's
    leads: report_unit_open_deadline) or small (what it supports); the page is taken from those few.

    The inbox of every open report (perhaps only the overdue or those due soon) is read through
    report_open_deadline on SQLite whatever its statistics say (`_in_index_order`).
    """
    if scope.sees_all:
        if filters is not None and replace(filters, due="") == InboxFilters() and connections[qs.db].vendor == "sqlite":
            return _in_index_order(qs, "report_open_deadline", offset, limit)
        return list(qs[offset : offset + limit])
    wanted = offset + limit
    candidates: set[int] = set()
    for unit_id in sorted(scope.units):
        candidates.update(qs.filter(lead_unit_id=unit_id).values_list("pk", flat=True)[:wanted])
    candidates.update(qs.filter(pk__in=_supported_by(scope)).values_list("pk", flat=True)[:wanted])
    return list(qs.filter(pk__in=candidates)[offset : offset + limit]) if candidates else []


def _in_index_order(qs: QuerySet[Report], index: str, offset: int, limit: int) -> list[Report]:
    """Rows offset…offset + limit of `qs`, whose conditions and order `index` serves entirely (SQLite).

    SQLite chooses an index by its statistics, and balai's bounded ANALYZE (`search.refresh_statistics`) reads
    only the first rows of each index: of an index that starts with the status it sees one status, and writes
    about a thousand reports per status (a million reports have 125,000 of each). The five open statuses then
    looked like 5,005 reports, cheaper to sort than report_open_deadline's 57,000 entries are to read, and every
    page of the inbox read and sorted every open report (106 ms at a million; a full ANALYZE, 5 s there, gets
    the plan right). So the page's ids are read through `index` by name (INDEXED BY: offset + limit entries in
    order, whatever the backlog), then their rows.
    """
    sql, params = qs.values_list("pk", flat=True)[offset : offset + limit].query.sql_with_params()
    table = f'FROM "{Report._meta.db_table}"'
    if sql.count(table) != 1:  # the table is read twice (a subquery): the hint would not say which
        return list(qs[offset : offset + limit])
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql.replace(table, f'{table} INDEXED BY "{index}"'), params)
        ids = [pk for (pk,) in cursor.fetchall()]
    return list(qs.filter(pk__in=ids)) if ids else []


def staff_inbox_count(scope: Any, qs: QuerySet[Report], cap: int) -> int:
    """How many reports a staff inbox (`staff_inbox`) holds, up to cap + 1."""
    return counts_by_parts(scope, {"all": qs}, cap)["all"]


def counts_by_parts(scope: Any, querysets: dict[str, QuerySet[Report]], cap: int | None = None) -> dict[str, int]:
    """`capped_counts` of querysets of reports this staff member may see, in one query.

    An OPD sees the reports it leads OR supports; counting through that OR read every open report of the
    statuses counted. Its reports are counted in parts that indexes serve instead: those it leads, those it
    supports, minus those both.
    """
    if scope.sees_all:
        return capped_counts(dict(querysets), cap)
    cap = paging.COUNT_CAP if cap is None else cap
    units = list(scope.units)
    supported = _supported_by(scope)
    parts: dict[str, QuerySet[Any]] = {}
    for name, qs in querysets.items():
        parts[f"{name}.led"] = qs.filter(lead_unit_id__in=units)
        parts[f"{name}.supported"] = qs.filter(pk__in=supported)
        parts[f"{name}.both"] = qs.filter(lead_unit_id__in=units, pk__in=supported)
    counted = capped_counts(parts, cap)
    totals = {}
    for name in querysets:
        led, backed, both = (counted[f"{name}.{part}"] for part in ("led", "supported", "both"))
        totals[name] = cap + 1 if led > cap or backed > cap else min(cap + 1, led + backed - both)
    return totals


def _supported_by(scope: Any) -> QuerySet[Any]:
    return Report.supporting_units.through.objects.filter(unit_id__in=list(scope.units)).values("report_id")


def my_work(scope: Any, *, now: Any, soon: Any) -> dict[str, int]:
    """What needs this person today, as counts for the 'my work' page, each counted up to paging.COUNT_CAP (more
    is shown as "1.000+"): one query, whose cost does not grow with the backlog."""
    from .access import reports_visible_to

    qs = reports_visible_to(scope)
    following = [Status.DIDISPOSISIKAN, Status.DIPROSES]
    return counts_by_parts(
        scope,
        {
            "to_verify": qs.filter(status=Status.DITERIMA),
            "verify_overdue": qs.filter(status=Status.DITERIMA, verify_due_at__lt=now),
            "waiting_reporter": qs.filter(status=Status.DITUNDA),
            "to_dispatch": qs.filter(status=Status.DIVERIFIKASI),
            "to_accept": qs.filter(status=Status.DIDISPOSISIKAN),
            "in_progress": qs.filter(status=Status.DIPROSES),
            "overdue": qs.filter(status__in=following, due_at__lt=now),
            "due_soon": qs.filter(status__in=following, due_at__gte=now, due_at__lte=soon),
        },
    )


def capped_counts(querysets: dict[str, QuerySet[Any]], cap: int | None = None) -> dict[str, int]:
    """Each queryset's number of rows up to cap + 1 (COUNT_CAP by default), in one round trip: the database
    stops counting each at cap + 1."""
    limit = (paging.COUNT_CAP if cap is None else cap) + 1
    counts = dict.fromkeys(querysets, 0)
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    for name, qs in querysets.items():
        try:
            sql, part_params = qs.order_by().values("pk")[:limit].query.sql_with_params()
        except EmptyResultSet:  # .none(): nothing to count
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{len(names)})")  # noqa: S608 - Django's SQL, params apart
        params.extend(part_params)
        names.append(name)
    if names:
        with connections[querysets[names[0]].db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(names, cursor.fetchone(), strict=True))
    return counts


DUPLICATE_DAYS = 14
DUPLICATE_DEGREES = 0.005  # about 500 m


def duplicate_candidates(report: Report, limit: int = 5) -> list[Report]:
    """Open reports of the same category close in place and time: likely the same problem; the earliest first.

    Close in place: within DUPLICATE_DEGREES in latitude and longitude, or in the same kelurahan for a report
    without a point (a report with a point finds the pointless ones of its kelurahan too). Close in time:
    within DUPLICATE_DAYS either way.

    Read by place first, so that the rows read do not grow with the city's volume: one part per kind of
    closeness, each from a partial index of open reports (lapor migration 0005), each stopped after `limit`,
    and the page's report rows fetched for those ids alone. Same kelurahan: `report_open_kelurahan`
    (kelurahan, category, created_at) gives the window in order. Nearby points: `report_open_point`
    (category, latitude, longitude, created_at) walks a latitude band of the category's open reports and
    checks longitude and time in the index, so the table is read for the matches only. Reading the
    category's open reports of the month and keeping the nearby ones read about 1,000 rows at a million.
    """
    within = timedelta(days=DUPLICATE_DAYS)
    same = open_only(
        Report.objects.filter(
            category_id=report.category_id, created_at__range=(report.created_at - within, report.created_at + within)
        ).exclude(pk=report.pk)
    )
    in_kelurahan = same.filter(kelurahan_id=report.kelurahan_id)
    if report.latitude is None or report.longitude is None:
        parts = [in_kelurahan]
    else:
        degrees = Decimal(str(DUPLICATE_DEGREES))
        near = same.filter(
            latitude__range=(report.latitude - degrees, report.latitude + degrees),
            longitude__range=(report.longitude - degrees, report.longitude + degrees),
        )
        parts = [near, in_kelurahan.filter(latitude__isnull=True)]
    order = ("created_at", "pk")
    return list(
        Report.objects.filter(pk__in=_union_of_ids([part.order_by(*order)[:limit] for part in parts]))
        .select_related("kelurahan")
        .order_by(*order)[:limit]
    )


def _union_of_ids(parts: list[QuerySet[Report]]) -> RawSQL:
    """`SELECT id … UNION ALL SELECT id …` of ordered, sliced querysets, for `pk__in` (which drops repeats).

    Written out because Django's `union()` refuses sliced parts on SQLite, and a queryset nested as a subquery
    is relabelled while `open_only`'s literal SQL is not.
    """
    pieces: list[str] = []
    params: list[Any] = []
    for number, part in enumerate(parts):
        sql, part_params = part.values("pk").query.sql_with_params()
        pieces.append(f"SELECT * FROM ({sql}) part_{number}")  # noqa: S608 - Django's SQL, params apart
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(pieces), params)  # noqa: S611 - Django's SQL, params apart


def staff_events(report: Report) -> list[ReportEvent]:
    return list(report.events.select_related("actor").order_by("created_at", "id"))
