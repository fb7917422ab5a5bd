"""How many reports one sender may make in a window (`RATELIMIT_REPORTS` per address, an API client's own rate),
counted the same way for the web form, the JSON API and Open311.

A slot is taken with one conditional increment (`UPDATE … SET count = count + 1 WHERE count < limit`), checked by
the number of rows it changed, as the first write of the report's own transaction. So the database decides a race:
on PostgreSQL the row lock makes a concurrent submission from the same sender wait and then see the new count; on
SQLite the transaction holds the only write lock. If the report is not written, the rollback gives the slot back.
(The cache could not do this: the database cache's `incr` is a read and a write, and forty forms posted at once all
read "0".)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django_ratelimit.core import _get_ip, _split_rate, is_ratelimited

from .models import SubmissionCount

ADDRESS_PREFIX = "lapor.submit:ip:"


class SubmissionLimited(Exception):  # noqa: N818 - a refusal, answered as 429 by every channel
    """This sender has used every report of the current window; `retry_after` seconds until the next."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class SubmitBucket:
    """One sender's allowance: `limit` reports per `period` seconds, in fixed windows."""

    name: str
    limit: int
    period: int

    def window(self, now: float | None = None) -> tuple[str, datetime, int]:
        """This window's counter key, its end, and the seconds left in it."""
        now = time.time() if now is None else now
        start = int(now // self.period) * self.period
        end = start + self.period
        return f"{self.name}@{start}", datetime.fromtimestamp(end, tz=UTC), max(int(end - now), 1)


def bucket_for_address(request: HttpRequest) -> SubmitBucket | None:
    """The public allowance of the sender's address (IPv6 by /64), shared by the web form and the API without a
    key; None when limits are switched off."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    limit, period = _split_rate(settings.RATELIMIT_REPORTS)
    address = str(_get_ip(request)) if request.META.get("REMOTE_ADDR") else "unknown"
    return SubmitBucket(f"{ADDRESS_PREFIX}{address}", limit, period)


def bucket_for_client(client_id: int, rate: str) -> SubmitBucket | None:
    """An API client's own allowance (`rate` as "10/m")."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    limit, period = _split_rate(rate)
    return SubmitBucket(f"api.submit:client:{client_id}", limit, period)


def submit_is_full(bucket: SubmitBucket | None) -> int | None:
    """A look without counting (one read): the seconds until the next window if one more report would be over the
    limit, else None. Only a hint to spare the work of a form that would be refused; `submit_slot_take` decides."""
    if bucket is None:
        return None
    key, _ends, left = bucket.window()
    count = SubmissionCount.objects.filter(key=key).values_list("count", flat=True).first()
    return left if count is not None and count >= bucket.limit else None


def submit_slot_take(bucket: SubmitBucket | None) -> None:
    """Count one report for `bucket`, or raise SubmissionLimited if the window is full.

    Call it inside the report's transaction, before the report's rows: the count is released by its rollback.
    """
    if bucket is None:
        return
    key, ends, left = bucket.window()
    taken = SubmissionCount.objects.filter(key=key, count__lt=bucket.limit).update(count=F("count") + 1)
    if not taken and bucket.limit > 0 and not SubmissionCount.objects.filter(key=key).exists():
        try:
            with transaction.atomic():  # a savepoint: a concurrent first report of the window wins the insert
                SubmissionCount.objects.create(key=key, count=1, expires_at=ends)
            taken = 1
            # A new window: forget the windows that are over (one indexed delete per sender and window).
            SubmissionCount.objects.filter(expires_at__lt=datetime.fromtimestamp(time.time(), tz=UTC)).delete()
        except IntegrityError:
            taken = SubmissionCount.objects.filter(key=key, count__lt=bucket.limit).update(count=F("count") + 1)
    if not taken:
        raise SubmissionLimited(left)


PHOTO_RETRIES_GROUP = "lapor.photo_retries"


def photo_retry_count_one(request: HttpRequest) -> bool:
    """Count one invalid form post that carried photos (`RATELIMIT_PHOTO_RETRIES`, its own bucket); True when this
    address is over the limit, so that its photos are no longer kept. Valid reports never count here."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    return is_ratelimited(
        request, group=PHOTO_RETRIES_GROUP, key="ip", rate=settings.RATELIMIT_PHOTO_RETRIES, increment=True
    )
