"""The web form's limit of reports per address (`RATELIMIT_REPORTS`), in as few cache round trips as it takes.

The counter is django-ratelimit's own (the same cache key and window), so the JSON API, which counts through
django-ratelimit, shares it. django-ratelimit's `get_usage` writes even to look (an `add` of 0, then a `get`)
and counts with an `add` that fails before the `incr`: with the database cache that was 16 statements for
every report. Here looking is one read and counting one `incr` (or one `add` for an address's first report).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest
from django_ratelimit.core import (
    ALL,
    EXPIRATION_FUDGE,
    _get_ip,
    _get_window,
    _make_cache_key,
    _split_rate,
    is_ratelimited,
)

logger = logging.getLogger(__name__)

GROUP = "lapor.submit"  # django-ratelimit's group name, shared with the API (balai.api.v1.access.submit_limit)


@dataclass(frozen=True)
class SubmitCounter:
    key: str
    limit: int
    period: int
    count: int | None  # None: no report from this address in the current window yet

    @property
    def is_full(self) -> bool:
        """One more report would go over the limit."""
        return self.count is not None and self.count >= self.limit


def submit_counter(request: HttpRequest) -> SubmitCounter | None:
    """This address's count of reports in the current window (one cache read); None if limits are off."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    rate = settings.RATELIMIT_REPORTS
    limit, period = _split_rate(rate)
    value = _get_ip(request)
    key = _make_cache_key(GROUP, _get_window(value, period), rate, value, ALL)
    count = caches[settings.RATELIMIT_USE_CACHE].get(key)
    return SubmitCounter(key=key, limit=limit, period=period, count=count)


def submit_count_one(counter: SubmitCounter | None) -> None:
    """Count one more report. `incr` is atomic where the cache makes it so (Redis); the database cache's is a
    read and a write, as with django-ratelimit itself.

    Called inside the report's transaction: a failing cache must not cost the citizen the report, so an error
    is logged and the count given up.
    """
    if counter is None:
        return
    cache = caches[settings.RATELIMIT_USE_CACHE]
    timeout = counter.period + EXPIRATION_FUDGE
    try:
        # A savepoint: the database cache's statements are not all inside its own (its COUNT(*) is not), and on
        # PostgreSQL a failed statement would otherwise abort the report's transaction.
        with transaction.atomic():
            if counter.count is None and cache.add(counter.key, 1, timeout):
                return
            try:
                cache.incr(counter.key)
            except ValueError:  # the window ended in between: this report opens the next one
                cache.add(counter.key, 1, timeout)
    except Exception:  # any cache backend's failure; the report matters more than its count
        logger.warning("the report rate limit could not count a report", exc_info=True)


PHOTO_RETRIES_GROUP = "lapor.photo_retries"


def photo_retry_count_one(request: HttpRequest) -> bool:
    """Count one invalid form post that carried photos (`RATELIMIT_PHOTO_RETRIES`, its own bucket); True when this
    address is over the limit, so that its photos are no longer kept. Valid reports never count here."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    return is_ratelimited(
        request, group=PHOTO_RETRIES_GROUP, key="ip", rate=settings.RATELIMIT_PHOTO_RETRIES, increment=True
    )
