"""The SPBE index arithmetic, on plain values so that it can be checked by hand.

Index = Σ(level × weight) ÷ Σ weight, over the indicators whose level counts (reviewed by the coordinator). It is
computed in Decimal and rounded once, at the end, to 2 places (half up), as the regulation's tables print it; the
predicate is read from the rounded index. An incomplete assessment is shown as the index over what is reviewed,
with the share reviewed (by count and by weight) and `complete` false.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

TWO = Decimal("0.01")
MAX_LEVEL = 5


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scored:
    """One indicator as the arithmetic sees it: its weight, and its level when that counts (None: not yet)."""

    number: int
    weight: Decimal
    level: int | None
    domain: int = 0
    aspect: int = 0


@dataclass(frozen=True)
class Bands:
    memuaskan: Decimal = Decimal("4.20")
    sangat_baik: Decimal = Decimal("3.50")
    baik: Decimal = Decimal("2.60")
    cukup: Decimal = Decimal("1.80")


PREDICATES = {
    "memuaskan": _("Memuaskan"),
    "sangat_baik": _("Sangat Baik"),
    "baik": _("Baik"),
    "cukup": _("Cukup"),
    "kurang": _("Kurang"),
}


def predicate(index: Decimal | None, bands: Bands) -> str:
    """The predicate's key for a (rounded) index; '' when there is no index yet."""
    if index is None:
        return ""
    for key in ("memuaskan", "sangat_baik", "baik", "cukup"):
        if index >= getattr(bands, key):
            return key
    return "kurang"


@dataclass(frozen=True)
class Result:
    index: Decimal | None  # rounded to 2 places; None when nothing counts yet
    assessed: int
    total: int
    weight_assessed: Decimal
    weight_total: Decimal
    raw: Decimal | None = None  # unrounded, for the figures built on it

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.assessed == self.total

    @property
    def share_assessed(self) -> Decimal:
        """Share of the indicators reviewed, in per cent (2 places)."""
        return round2(Decimal(100) * self.assessed / self.total) if self.total else Decimal(0)

    @property
    def weight_share_assessed(self) -> Decimal:
        return round2(Decimal(100) * self.weight_assessed / self.weight_total) if self.weight_total else Decimal(0)


def index_of(items: Iterable[Scored]) -> Result:
    items = list(items)
    counted = [i for i in items if i.level is not None]
    weight_total = sum((i.weight for i in items), Decimal(0))
    weight_counted = sum((i.weight for i in counted), Decimal(0))
    if not counted or weight_counted == 0:
        return Result(None, 0, len(items), Decimal(0), weight_total)
    raw = sum((Decimal(i.level or 0) * i.weight for i in counted), Decimal(0)) / weight_counted
    return Result(round2(raw), len(counted), len(items), weight_counted, weight_total, raw)


def index_by(items: Sequence[Scored], key: str) -> dict[int, Result]:
    """The index of each domain or aspect ('domain' or 'aspect')."""
    groups: dict[int, list[Scored]] = {}
    for item in items:
        groups.setdefault(getattr(item, key), []).append(item)
    return {group: index_of(members) for group, members in sorted(groups.items())}


@dataclass(frozen=True)
class Gain:
    number: int
    weight: Decimal
    level: int | None
    levels_to_gain: int
    potential: Decimal  # weight × levels to gain
    per_level: Decimal  # how much the (complete) index rises for each level gained: weight ÷ Σ weight


def gains(items: Sequence[Scored]) -> list[Gain]:
    """What would raise the index most: weight × levels still to gain, largest first (then by number).

    An indicator not yet reviewed counts from level 1, the lowest level it can be given."""
    weight_total = sum((i.weight for i in items), Decimal(0))
    rows = []
    for item in items:
        current = item.level or 1
        to_gain = MAX_LEVEL - current
        if to_gain <= 0:
            continue
        per_level = item.weight / weight_total if weight_total else Decimal(0)
        rows.append(Gain(item.number, item.weight, item.level, to_gain, item.weight * to_gain, per_level))
    return sorted(rows, key=lambda g: (-g.potential, g.number))
