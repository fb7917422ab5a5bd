from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from balai.lapor import paging
from balai.lapor.models import Report

register = template.Library()


@register.filter
def reporter_public_name(report: Report) -> str:
    """What a public page may say about the reporter: a first name and an initial, or 'anonymous'."""
    if report.is_anonymous or not report.reporter_name.strip():
        return _("Anonymous")
    parts = report.reporter_name.split()
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


@register.filter
def get_field(form: Any, name: str) -> Any:
    """The bound field `name` of a form (for fields added at run time)."""
    return form[name]


@register.filter
def number(value: int | None) -> str:
    """A whole number with the language's thousands separator: 12.345 in Indonesian, 12,345 in English."""
    return "" if value is None else number_format(value, force_grouping=True)


@register.filter
def capped(value: int | None, cap: int | None = None) -> str:
    """A count made up to `cap` (paging.COUNT_CAP by default, see paging.capped_count): "1.000+" past it."""
    if value is None:
        return ""
    cap = paging.COUNT_CAP if cap is None else cap
    return f"{number(cap)}+" if value > cap else number(value)
