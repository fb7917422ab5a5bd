from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from balai.lapor import paging
from balai.lapor.models import Report
from balai.lapor.services._steps import REPORTER_LABEL, SYSTEM_LABEL

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


@register.filter(expects_localtime=True)
def when(value: Any, parts: str = "") -> str:
    """A date the one way the back office writes dates: "7 Mar", with the year when it is not this year
    ("7 Mar 2025"); `parts` may add the weekday ("weekday": "Fri 7 Mar") and the time ("time": "7 Mar, 09:30",
    always 24-hour). The Pemda's time zone is the one active."""
    if not value:
        return ""
    from django.template.defaultfilters import date as date_filter
    from django.utils import timezone

    fmt = "j M" if value.year == timezone.localdate().year else "j M Y"
    if "weekday" in parts:
        fmt = f"D {fmt}"
    if "time" in parts:
        fmt = f"{fmt}, H:i"
    return str(date_filter(value, fmt))


# Who did something, as the timeline stores it: a code for the reporter and the system (in the reader's language
# at display time), a person's name otherwise.
ACTOR_NAMES: dict[str, Any] = {
    REPORTER_LABEL: pgettext_lazy("timeline actor", "reporter"),
    SYSTEM_LABEL: pgettext_lazy("timeline actor", "system"),
}


@register.filter
def actor_name(label: str) -> str:
    """A timeline entry's actor in the reader's language: 'pelapor' reads "reporter" in English."""
    return str(ACTOR_NAMES.get(label, label))
