"""Numbers the way the reader's language writes them: Rp 1.250.000.000 and 12,5 % in Indonesian."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def rp(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return "Rp\u00a0" + number_format(Decimal(value), 0, force_grouping=True)


@register.filter
def pct(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return number_format(Decimal(value), 1, force_grouping=True) + "\u00a0%"


@register.filter
def num(value: Any) -> str:
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, places, force_grouping=True)


@register.filter
def bar(value: Any) -> int:
    """A percentage for a progress bar's width (0–100)."""
    if value is None or value == "":
        return 0
    return max(0, min(100, round(Decimal(value))))
