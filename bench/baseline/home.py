"""The home page's figures made stale, as they are once their FIGURES_MAX_AGE has passed (bench only)."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone


def make_figures_stale() -> str:
    """Back-date the cached figures so that the next GET / recounts them, the path of the one visitor every
    five minutes who finds them out of date; the other requests' `busy` mark is cleared as it would have been.

    Returns what was found first: `fresh` (counted less than FIGURES_MAX_AGE ago, so the home page's last
    request did recount), `stale` or `none`.
    """
    from balai.lapor.selectors import FIGURES_KEY, FIGURES_MAX_AGE, PublicFigures

    stored = cache.get(FIGURES_KEY)
    now = timezone.now()
    if isinstance(stored, PublicFigures):
        found = "fresh" if (now - stored.as_of).total_seconds() < FIGURES_MAX_AGE else "stale"
        counts = stored.counts
    else:
        found, counts = "none", {"total": 0, "finished": 0, "in_progress": 0}
    old = PublicFigures(counts=counts, as_of=now - timedelta(seconds=FIGURES_MAX_AGE + 1))
    cache.set(FIGURES_KEY, old, FIGURES_MAX_AGE * 12)
    cache.delete(f"{FIGURES_KEY}:busy")
    return found
