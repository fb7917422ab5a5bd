from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

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
