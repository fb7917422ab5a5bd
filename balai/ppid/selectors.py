"""Reads of information requests: who may see what (staff), what the public may see, and the figures."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from balai.core.access import StaffScope
from balai.core.selectors import work_calendar
from balai.lapor.codes import normalize

from . import rules
from .models import (
    OPEN_STATES,
    Decision,
    DipCategory,
    DipEntry,
    InformationRequest,
    Objection,
    Status,
)
from .services import CODE_PREFIX

# What a public page may read of a request: never a column of the requester's identity.
PUBLIC_FIELDS = (
    "code", "register_number", "status", "information", "purpose", "received_at", "due_at", "extended_at",
    "notice_at", "decision", "answer", "redactions", "exemption", "held_by", "unit__name", "unit__slug",
    "is_private", "withheld", "id",
)  # fmt: skip


def is_utama(scope: StaffScope) -> bool:
    return scope.admin or scope.has(rules.MODULE, rules.UTAMA)


def is_atasan(scope: StaffScope) -> bool:
    return scope.admin or scope.has(rules.MODULE, rules.ATASAN)


def handles_ppid(scope: StaffScope) -> bool:
    return is_utama(scope) or is_atasan(scope) or bool(scope.units_with(rules.MODULE, rules.PELAKSANA))


def requests_visible_to(scope: StaffScope) -> QuerySet[InformationRequest]:
    """The PPID utama and the atasan see every request; a PPID pelaksana only those forwarded to their OPD."""
    qs = InformationRequest.objects.select_related("unit")
    if is_utama(scope) or is_atasan(scope):
        return qs
    return qs.filter(unit_id__in=scope.units_with(rules.MODULE, rules.PELAKSANA))


def access_request(scope: StaffScope, code: str) -> InformationRequest:
    """The request by its code, if this person may see it (404 otherwise, as for another OPD's report)."""
    try:
        return requests_visible_to(scope).get(code=code)
    except InformationRequest.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class InboxFilters:
    q: str = ""
    view: str = "open"  # open | overdue | objection | done | all


def staff_inbox(scope: StaffScope, filters: InboxFilters, now: datetime) -> QuerySet[InformationRequest]:
    qs = requests_visible_to(scope).defer("information", "purpose", "answer", "redactions", "consequence_test")
    if filters.view == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    elif filters.view == "overdue":
        qs = qs.filter(status__in=OPEN_STATES, due_at__lt=now)
    elif filters.view == "objection":
        qs = qs.filter(status=Status.KEBERATAN)
    elif filters.view == "done":
        qs = qs.exclude(status__in=OPEN_STATES)
    if filters.q:
        code = normalize(filters.q, CODE_PREFIX)
        if code:
            qs = qs.filter(code=code)
        else:
            qs = qs.filter(Q(register_number__icontains=filters.q) | Q(information__icontains=filters.q))
    order = "due_at" if filters.view in ("open", "overdue") else "-received_at"
    return qs.order_by(order, "id")


def request_by_code(code: str) -> InformationRequest | None:
    """The public tracking look-up (status only; identity never reaches the template)."""
    normalized = normalize(code, CODE_PREFIX)
    if not normalized:
        return None
    return InformationRequest.objects.select_related("unit").filter(code=normalized).first()


def request_by_token(code: str, token: str) -> InformationRequest | None:
    import secrets

    found = InformationRequest.objects.select_related("unit").filter(code=code).first()
    if found is None or not secrets.compare_digest(found.token, token):
        return None
    return found


def register_public(q: str = "") -> QuerySet[InformationRequest]:
    """The public register: answered requests that are neither private nor withheld; public columns only."""
    qs = InformationRequest.objects.in_register().select_related("unit").only(*PUBLIC_FIELDS)
    if q:
        for word in q.split()[:6]:
            qs = qs.filter(Q(information__icontains=word) | Q(answer__icontains=word))
    return qs.order_by("-notice_at", "-id")


def register_entry(code: str) -> InformationRequest:
    try:
        return register_public().prefetch_related("documents").get(code=code)
    except InformationRequest.DoesNotExist:
        raise Http404 from None


def similar_requests(text: str, limit: int = 5) -> list[InformationRequest]:
    """'What others asked': public register entries sharing the longest words of `text`."""
    words = sorted({w.strip(".,;:!?()\"'").lower() for w in text.split() if len(w) >= 5}, key=len, reverse=True)[:4]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(information__icontains=word)
    return list(register_public().filter(condition)[:limit])


def dip_public(*, unit_slug: str = "", q: str = "", exempt: bool = False) -> QuerySet[DipEntry]:
    qs = DipEntry.objects.filter(is_active=True).select_related("unit")
    qs = qs.filter(category=DipCategory.DIKECUALIKAN) if exempt else qs.exclude(category=DipCategory.DIKECUALIKAN)
    if unit_slug == "pemda":
        qs = qs.filter(unit__isnull=True)
    elif unit_slug:
        qs = qs.filter(unit__slug=unit_slug)
    if q:
        for word in q.split()[:6]:
            qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return qs.order_by("unit__name", "title")


# --- figures ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The Pasal 12 figures for a period: requests, time taken, granted/refused, reasons for refusal."""

    received: int
    answered: int
    granted: int
    partly: int
    refused: int
    not_held: int
    open: int
    on_time: int
    median_days: float | None
    objections: int
    disputes: int
    refusal_reasons: list[tuple[str, int]]
    rows: list[dict[str, Any]]

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None


def figures(start: datetime, end: datetime, unit_ids: frozenset[int] | None = None, *, rows: bool = False) -> Figures:
    """Requests received in [start, end): counts by decision, time taken in working days, objections."""
    qs = InformationRequest.objects.filter(received_at__gte=start, received_at__lt=end)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    counts = qs.order_by().aggregate(
        received=Count("id"),
        answered=Count("id", filter=Q(notice_at__isnull=False)),
        granted=Count("id", filter=Q(decision=Decision.GRANTED)),
        partly=Count("id", filter=Q(decision=Decision.PARTLY)),
        refused=Count("id", filter=Q(decision=Decision.REFUSED)),
        not_held=Count("id", filter=Q(decision=Decision.NOT_HELD)),
        open=Count("id", filter=Q(status__in=OPEN_STATES)),
        on_time=Count("id", filter=Q(notice_at__isnull=False, notice_at__lte=models_f("due_at"))),
    )
    calendar = work_calendar()
    answered = list(
        qs.filter(notice_at__isnull=False)
        .order_by("received_at")
        .values("register_number", "received_at", "notice_at", "decision", "exemption", "unit__name")
    )
    taken = [calendar.working_days_between(r["received_at"], r["notice_at"] or r["received_at"]) for r in answered]
    reasons = (
        qs.filter(decision__in=(Decision.REFUSED, Decision.PARTLY))
        .exclude(exemption="")
        .values("exemption")
        .annotate(n=Count("id"))
        .order_by("-n", "exemption")
    )
    objections = Objection.objects.filter(request__in=qs)
    detail = []
    if rows:
        labels = dict(Decision.choices)
        for row, days in zip(answered, taken, strict=True):
            detail.append({**row, "days": days, "decision_label": str(labels.get(row["decision"], ""))})
    return Figures(
        received=counts["received"],
        answered=counts["answered"],
        granted=counts["granted"],
        partly=counts["partly"],
        refused=counts["refused"],
        not_held=counts["not_held"],
        open=counts["open"],
        on_time=counts["on_time"],
        median_days=float(statistics.median(taken)) if taken else None,
        objections=objections.count(),
        disputes=objections.filter(dispute_filed_on__isnull=False).count(),
        refusal_reasons=[(r["exemption"], r["n"]) for r in reasons],
        rows=detail,
    )


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def monthly_statistics() -> list[tuple[str, str, int, int, int, int]]:
    """(month, OPD, received, answered, refused, objections) for the open-data table: counts only."""
    from django.db.models.functions import TruncMonth

    rows = (
        InformationRequest.objects.annotate(month=TruncMonth("received_at"))
        .values("month", "unit__name")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(notice_at__isnull=False)),
            refused=Count("id", filter=Q(decision=Decision.REFUSED)),
            objections=Count("objection"),
        )
        .order_by("month", "unit__name")
    )
    return [
        (r["month"].strftime("%Y-%m"), r["unit__name"] or "PPID utama", r["received"], r["answered"], r["refused"],
         r["objections"])
        for r in rows
    ]  # fmt: skip
