"""Reads for the SPBE screens: a year's indicators with their assessments, the index and its parts, the year-on-year
view, what would raise the index most, and the automatic evidence of every module (through the registry)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from balai.core.access import StaffScope
from balai.core.models import AuditEvent
from balai.core.registry import Evidence, registry

from . import rules, scoring
from .models import Assessment, EvidenceItem, Framework, Indicator, Status


def frameworks() -> list[Framework]:
    return list(Framework.objects.order_by("-year"))


def framework_latest() -> Framework | None:
    return Framework.objects.order_by("-year").first()


def framework_of(year: int) -> Framework | None:
    return Framework.objects.filter(year=year).first()


def indicators_of(framework: Framework) -> list[Indicator]:
    """The year's 47 indicators with their aspect, domain, assessment and officer: four queries."""
    return list(
        Indicator.objects.filter(framework=framework)
        .select_related("aspect", "aspect__domain", "assessment", "assessment__officer")
        .order_by("number")
    )


def bands_of(framework: Framework) -> scoring.Bands:
    return scoring.Bands(
        framework.band_memuaskan, framework.band_sangat_baik, framework.band_baik, framework.band_cukup
    )


def counted_level(indicator: Indicator) -> int | None:
    """The level that counts in the index: the reviewed one."""
    assessment = getattr(indicator, "assessment", None)
    if assessment is None or assessment.status != Status.REVIEWED:
        return None
    return assessment.level


def scored(indicators: list[Indicator]) -> list[scoring.Scored]:
    return [
        scoring.Scored(i.number, i.weight, counted_level(i), i.aspect.domain.number, i.aspect.number)
        for i in indicators
    ]


@dataclass
class Group:
    number: int
    name: str
    weight: Decimal
    result: scoring.Result
    predicate: str = ""


@dataclass
class Overview:
    framework: Framework
    indicators: list[Indicator]
    result: scoring.Result
    predicate: str
    domains: list[Group]
    aspects: list[Group]
    by_status: dict[str, int] = field(default_factory=dict)


def overview(framework: Framework) -> Overview:
    indicators = indicators_of(framework)
    items = scored(indicators)
    bands = bands_of(framework)
    result = scoring.index_of(items)
    domain_names: dict[int, str] = {}
    aspect_names: dict[int, str] = {}
    domain_weights: dict[int, Decimal] = defaultdict(Decimal)
    aspect_weights: dict[int, Decimal] = defaultdict(Decimal)
    for i in indicators:
        domain_names[i.aspect.domain.number] = i.aspect.domain.name
        aspect_names[i.aspect.number] = i.aspect.name
        domain_weights[i.aspect.domain.number] += i.weight
        aspect_weights[i.aspect.number] += i.weight
    domains = [
        Group(n, domain_names[n], domain_weights[n], r, scoring.predicate(r.index, bands))
        for n, r in scoring.index_by(items, "domain").items()
    ]
    aspects = [
        Group(n, aspect_names[n], aspect_weights[n], r, scoring.predicate(r.index, bands))
        for n, r in scoring.index_by(items, "aspect").items()
    ]
    by_status: dict[str, int] = defaultdict(int)
    for i in indicators:
        by_status[i.assessment.status] += 1
    return Overview(
        framework, indicators, result, scoring.predicate(result.index, bands), domains, aspects, dict(by_status)
    )


def indicator_get(scope: StaffScope, year: int, number: int) -> Indicator | None:
    """The indicator if this person may read it (None: a 404, as for another unit's objects)."""
    indicator = (
        Indicator.objects.filter(framework__year=year, number=number)
        .select_related(
            "framework", "aspect", "aspect__domain", "assessment", "assessment__officer", "assessment__reviewed_by"
        )
        .first()
    )
    if indicator is None or not rules.may_read(scope, indicator.assessment):
        return None
    return indicator


def evidence_item_get(scope: StaffScope, public_id: Any) -> EvidenceItem | None:
    item = (
        EvidenceItem.objects.filter(public_id=public_id)
        .select_related("assessment", "assessment__indicator", "assessment__indicator__framework")
        .first()
    )
    if item is None or not rules.may_read(scope, item.assessment):
        return None
    return item


def my_indicators(scope: StaffScope) -> QuerySet[Assessment]:
    return Assessment.objects.filter(officer_id=scope.user_id)


@dataclass(frozen=True)
class AutomaticEvidence:
    module: str
    evidence: Evidence


def automatic_evidence(now: datetime) -> dict[int, list[AutomaticEvidence]]:
    """What every module's own data shows (registry.evidence), by indicator number."""
    by_indicator: dict[int, list[AutomaticEvidence]] = defaultdict(list)
    for module, evidence in registry.evidence(now):
        by_indicator[evidence.indicator].append(AutomaticEvidence(str(module.name), evidence))
    return dict(by_indicator)


def history(assessment: Assessment) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="spbe.assessment", object_id=str(assessment.pk)).order_by(
            "-created_at", "-id"
        )[:100]
    )


def assessment_detail(indicator: Indicator) -> Assessment:
    return (
        Assessment.objects.filter(pk=indicator.assessment.pk)
        .prefetch_related(
            Prefetch("evidence_items", queryset=EvidenceItem.objects.order_by("created_at", "id")), "comments"
        )
        .get()
    )


@dataclass(frozen=True)
class GainRow:
    indicator: Indicator
    gain: scoring.Gain
    next_levels: list[tuple[int, str]]


def raise_list(framework: Framework, limit: int | None = None) -> list[GainRow]:
    indicators = indicators_of(framework)
    by_number = {i.number: i for i in indicators}
    rows = []
    for gain in scoring.gains(scored(indicators))[:limit]:
        indicator = by_number[gain.number]
        start = (gain.level or 0) + 1
        rows.append(GainRow(indicator, gain, [(lvl, indicator.criteria(lvl)) for lvl in range(start, 6)]))
    return rows


@dataclass
class YearRow:
    framework: Framework
    result: scoring.Result
    predicate: str
    domains: dict[int, scoring.Result]
    aspects: dict[int, scoring.Result]


@dataclass(frozen=True)
class Change:
    number: int
    name: str
    level_before: int | None
    level_after: int | None
    weight_before: Decimal
    weight_after: Decimal


@dataclass
class YearOnYear:
    years: list[YearRow]
    domain_names: dict[int, str]
    aspect_names: dict[int, str]
    changes: list[Change]
    compared: tuple[int, int] | None


def year_on_year(limit: int = 10) -> YearOnYear:
    """Each year's index, per domain and aspect (oldest first), and what changed between the last two years: a
    reviewed level that moved, or a weight."""
    chosen = list(Framework.objects.order_by("-year")[:limit])[::-1]
    indicators = list(
        Indicator.objects.filter(framework__in=chosen)
        .select_related("aspect", "aspect__domain", "assessment")
        .order_by("framework__year", "number")
    )
    per_year: dict[int, list[Indicator]] = defaultdict(list)
    domain_names: dict[int, str] = {}
    aspect_names: dict[int, str] = {}
    for i in indicators:
        per_year[i.framework_id].append(i)
        domain_names[i.aspect.domain.number] = i.aspect.domain.name
        aspect_names[i.aspect.number] = i.aspect.name
    rows = []
    for framework in chosen:
        items = scored(per_year[framework.pk])
        result = scoring.index_of(items)
        rows.append(
            YearRow(
                framework,
                result,
                scoring.predicate(result.index, bands_of(framework)),
                scoring.index_by(items, "domain"),
                scoring.index_by(items, "aspect"),
            )
        )
    changes: list[Change] = []
    compared = None
    if len(chosen) >= 2:
        before_fw, after_fw = chosen[-2], chosen[-1]
        compared = (before_fw.year, after_fw.year)
        before = {i.number: i for i in per_year[before_fw.pk]}
        for i in per_year[after_fw.pk]:
            old = before.get(i.number)
            level_before = counted_level(old) if old else None
            weight_before = old.weight if old else Decimal(0)
            level_after = counted_level(i)
            moved = level_before is not None and level_after is not None and level_before != level_after
            if moved or weight_before != i.weight:
                changes.append(Change(i.number, i.name, level_before, level_after, weight_before, i.weight))
    return YearOnYear(rows, domain_names, aspect_names, changes, compared)
