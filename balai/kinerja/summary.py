"""Keeps the summary cells (balai.kinerja.models.SummaryCell) equal to a recount of the plan, so that the public
pages and the evaluation table read a few cells instead of summing the whole plan on every request.

A write that changes what a group adds up to (a realisation accepted, an achievement recomputed, a sub kegiatan
added, moved or re-priced, an import) calls `cells_refresh` with the groups before and after the change, in its own
transaction: the plan row is locked first (so two refreshes of one plan follow each other and the second recounts
with the first one's rows committed), then the groups' cells are recounted from the rows and replaced. A refresh
costs one grouped query per dimension over the groups it touches, never the whole plan (an import recounts the
plan once). `summary_rebuild()` recounts every plan (after bulk inserts: the demo, a restore, the bench);
`summary_drift()` compares the cells with a recount (the integrity check, `balai kinerja summary check`, tests).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from .models import Activity, Dimension, Level, Plan, Realisation, RealisationStatus, SummaryCell

# Which field of a sub kegiatan places it in each dimension's group.
PATHS: dict[str, str] = {
    Dimension.OPD: "unit_id",
    Dimension.PROGRAM: "program_id",
    Dimension.KEGIATAN: "parent_id",
    Dimension.URUSAN: "urusan",
    Dimension.GOAL: "program__goal_id",
    Dimension.KECAMATAN: "kelurahan__parent_id",
}
ID_DIMENSIONS = frozenset(PATHS) - {Dimension.URUSAN, Dimension.KECAMATAN}  # a Wilayah is keyed by its code
FIELDS = ("subs", "pagu", "spbe_pagu", "reported", "financial", "physical_sum", "achievement_sum", "achieved")
Groups = set[tuple[str, str]]
Cells = dict[tuple[str, str, int], dict[str, Any]]


def key_text(value: Any) -> str:
    return "" if value is None else str(value)


def groups_of(activity_ids: Iterable[int]) -> Groups:
    """The groups (dimension, key) the given sub kegiatan belong to now (call before and after a change)."""
    ids = list(activity_ids)
    if not ids:
        return set()
    rows = Activity.objects.filter(pk__in=ids, level=Level.SUB_KEGIATAN).values(*PATHS.values())
    return {(dimension, key_text(row[path])) for row in rows for dimension, path in PATHS.items()}


def _recount(plan: Plan, groups: Groups | None) -> Cells:
    """The cells a recount gives: for every dimension, or only for the given groups (None: the whole plan)."""
    cells: Cells = defaultdict(lambda: dict.fromkeys(FIELDS, Decimal(0)))
    subs = Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN)
    accepted = Realisation.objects.filter(activity__plan=plan, activity__level=Level.SUB_KEGIATAN,
                                          status=RealisationStatus.ACCEPTED)  # fmt: skip
    for dimension, path in PATHS.items():
        chosen = None if groups is None else sorted(k for d, k in groups if d == dimension)
        if chosen is not None and not chosen:
            continue
        mine, theirs = subs, accepted
        if chosen is not None:
            keys: list[Any] = [k for k in chosen if k]
            if dimension in ID_DIMENSIONS:
                keys = [int(k) for k in keys]
            where = Q(**{f"{path}__in": keys})
            if "" in chosen:
                empty: dict[str, Any] = {path: ""} if dimension == Dimension.URUSAN else {f"{path}__isnull": True}
                where |= Q(**empty)
            mine = subs.filter(where)
            theirs = accepted.filter(activity__in=Activity.objects.filter(where))
        for row in (
            mine.order_by()
            .values(path)
            .annotate(n=Count("id"), total=Sum("pagu"), spbe_total=Sum("pagu", filter=Q(spbe=True)))
        ):
            cell = cells[(dimension, key_text(row[path]), 0)]
            cell |= {"subs": row["n"], "pagu": row["total"] or 0, "spbe_pagu": row["spbe_total"] or 0}
        key = f"activity__{path}"
        for row in (
            theirs.order_by()
            .values(key, "quarter")
            .annotate(
                n=Count("id"), money=Sum("financial"), physical=Sum("physical_pct"),
                scores=Sum("achievement"), known=Count("achievement"),
            )
        ):  # fmt: skip
            cell = cells[(dimension, key_text(row[key]), row["quarter"])]
            cell |= {"reported": row["n"], "financial": row["money"] or 0, "physical_sum": row["physical"] or 0,
                     "achievement_sum": row["scores"] or 0, "achieved": row["known"]}  # fmt: skip
    return {k: _normal(v) for k, v in cells.items()}


def _normal(values: dict[str, Any]) -> dict[str, Any]:
    """Counts as int, money in whole rupiah, sums at the cells' places (SQLite's sums come back as floats)."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = values[name]
        if name in ("subs", "reported", "achieved"):
            out[name] = int(value)
        elif name == "physical_sum":
            out[name] = Decimal(str(value)).quantize(Decimal("0.01"))
        elif name == "achievement_sum":
            out[name] = Decimal(str(value)).quantize(Decimal("0.1"))
        else:
            out[name] = Decimal(str(value)).quantize(Decimal(1))
    return out


def _write(plan: Plan, cells: Cells, groups: Groups | None) -> None:
    stored = SummaryCell.objects.filter(plan=plan)
    if groups is not None:
        where = Q(pk__in=[])
        for dimension in PATHS:
            keys = [k for d, k in groups if d == dimension]
            if keys:
                where |= Q(dimension=dimension, key__in=keys)
        stored = stored.filter(where)
    stored.delete()
    SummaryCell.objects.bulk_create(
        [SummaryCell(plan=plan, dimension=d, key=k[:160], quarter=q, **values) for (d, k, q), values in sorted(cells.items())],
        batch_size=500,
    )  # fmt: skip


def cells_refresh(plan: Plan | int, groups: Groups | None) -> None:
    """Recount the given groups' cells of a plan (None: all of them). Call inside the writing service's transaction,
    with `groups_of` the sub kegiatan touched, taken before and after the change."""
    if groups is not None and not groups:
        return
    plan_id = plan if isinstance(plan, int) else plan.pk
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan_id)
        _write(locked, _recount(locked, groups), groups)


@transaction.atomic
def summary_rebuild() -> int:
    """Recount every plan's cells; returns the number of plans."""
    plans = list(Plan.objects.order_by("year"))
    SummaryCell.objects.exclude(plan__in=plans).delete()
    for plan in plans:
        cells_refresh(plan, None)
    return len(plans)


def summary_drift() -> list[str]:
    """One line per cell that differs from a recount (nothing: the cells are right)."""
    problems: list[str] = []
    for plan in Plan.objects.order_by("year"):
        wanted = _recount(plan, None)
        stored = {
            (c.dimension, c.key, c.quarter): {name: getattr(c, name) for name in FIELDS}
            for c in SummaryCell.objects.filter(plan=plan)
        }
        problems.extend(
            f"{plan.year} {cell}: stored {stored.get(cell)}, recount {wanted.get(cell)}"
            for cell in sorted(set(wanted) | set(stored))
            if wanted.get(cell) != stored.get(cell)
        )
    return problems
