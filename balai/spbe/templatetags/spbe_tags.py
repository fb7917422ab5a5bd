"""Figures on the SPBE pages, written the reader's way (2,75 in Indonesian, 2.75 in English)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def idx(value: Decimal | None) -> str:
    """An index or weight with two decimals; a dash when there is none."""
    return "—" if value is None else number_format(value, decimal_pos=2)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None
