"""Template filters for spans of time shown to people."""

from __future__ import annotations

import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(span: timedelta | None) -> int:
    """A span in whole minutes, rounded up (a pause of 90 seconds is "2 minutes", never "1"); 0 for none."""
    if not span:
        return 0
    return max(1, math.ceil(span.total_seconds() / 60))
