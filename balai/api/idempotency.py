"""Safe retries: the first answer to a request carrying an Idempotency-Key is kept and replayed to its retries.

Framework-light on purpose, so that every API (JSON v1, Open311) shares one rule:

- A key is *claimed* by inserting its IdempotencyRecord row in a transaction of its own, before any work is done;
  the unique constraint on (scope, key) decides which of two simultaneous requests does the work.
- The winner does the work and stores its answer (`idempotency_complete`) or, when the answer must not be kept
  (a validation error, a rate limit, a crash), gives the key back (`idempotency_release`) so that a corrected
  retry can run.
- A retry with the same key and the same request gets the stored answer (`StoredResponse.replayed`). If the
  first request is still running, the retry waits up to `WAIT_SECONDS` for its answer, then gives up with
  `InProgressError` (HTTP 409 with Retry-After): holding a worker longer would let a burst of retries from a
  flaky network tie up the server.
- The same key with a different request raises `KeyReusedError` (HTTP 422).
- A claim whose request died (process killed before it stored an answer) is taken over after `STALE_AFTER`.
  Callers make their work safe to re-run for that case (the JSON API derives the report's submission token from
  the key and the request, so the database refuses a second report).
- Records expire after `TTL` (24 hours); `idempotency_purge` removes them, and is called now and then by
  `idempotency_begin` itself.

`run_idempotent` wraps all of this around a function that computes an answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyRecord

log = logging.getLogger(__name__)

TTL = timedelta(hours=24)
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
STALE_AFTER = timedelta(seconds=90)
PUBLIC_SCOPE = "public"
# Printable ASCII without spaces; long enough that two clients' random keys (UUIDs) never meet in "public".
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{16,200}$")
FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class StoredResponse:
    """An answer as kept for replay: what the first request answered, byte for byte."""

    status_code: int
    body: str
    content_type: str
    replayed: bool = False


@dataclass(frozen=True)
class Claim:
    """This request owns the key: do the work, then complete or release the claim."""

    record_id: int
    scope: str
    key: str
    request_hash: str
    claimed_at: datetime


class IdempotencyError(Exception):
    pass


class KeyReusedError(IdempotencyError):
    """The key was used before for a different request."""


class InProgressError(IdempotencyError):
    """The first request with this key has not answered yet; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int = 2) -> None:
        super().__init__("in progress")
        self.retry_after = retry_after


def scope_for(client: Any) -> str:
    """Keys are per API client; requests without a key share the 'public' scope."""
    return PUBLIC_SCOPE if client is None else f"client:{client.pk}"


def key_is_valid(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


# --- fingerprints ---------------------------------------------------------------------------------


def _file_digest(upload: IO[bytes]) -> str:
    digest = hashlib.sha256()
    chunks = getattr(upload, "chunks", None)
    if callable(chunks):
        for chunk in chunks():
            digest.update(chunk)
    else:
        upload.seek(0)
        digest.update(upload.read())
    upload.seek(0)  # the handler reads it again
    return digest.hexdigest()


def request_hash(
    *,
    method: str,
    path: str,
    query: Iterable[tuple[str, str]] = (),
    fields: Iterable[tuple[str, str]] = (),
    files: Iterable[tuple[str, IO[bytes]]] = (),
    body: bytes | None = None,
) -> str:
    """A fingerprint of a request that ignores what a retry may change (multipart boundary, field order).

    Fields and files are sorted by name, keeping the order of the values of one name (it can matter, e.g. the
    order of photos); files count by the SHA-256 of their content.
    """

    def by_name(pairs: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
        return sorted(pairs, key=lambda pair: pair[0])

    normalised: dict[str, Any] = {
        "method": method.upper(),
        "path": path,
        "query": by_name(query),
        "fields": by_name(fields),
        "files": by_name((name, _file_digest(upload)) for name, upload in files),
    }
    if body is not None:
        try:
            normalised["json"] = json.loads(body)
        except ValueError:
            normalised["body"] = hashlib.sha256(body).hexdigest()
    canonical = json.dumps(normalised, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def request_hash_for(request: Any) -> str:
    """`request_hash` of a Django request: form fields and files for forms, the (JSON-normalised) body otherwise."""
    query = [(k, v) for k, values in request.GET.lists() for v in values]
    if request.content_type in FORM_CONTENT_TYPES:
        return request_hash(
            method=request.method,
            path=request.path,
            query=query,
            fields=[(k, v) for k, values in request.POST.lists() for v in values],
            files=[(k, f) for k, uploads in request.FILES.lists() for f in uploads],
        )
    return request_hash(method=request.method, path=request.path, query=query, body=request.body)


# --- claims -----------------------------------------------------------------------------------------

_last_purge = 0.0
_purge_lock = threading.Lock()
PURGE_EVERY_SECONDS = 600


def idempotency_purge(*, older_than: timedelta = TTL) -> int:
    """Remove records past their lifetime; returns how many."""
    deleted, _per_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


def _maybe_purge() -> None:
    global _last_purge
    with _purge_lock:
        if time.monotonic() - _last_purge < PURGE_EVERY_SECONDS:
            return
        _last_purge = time.monotonic()
    try:
        idempotency_purge()
    except Exception:  # pragma: no cover - housekeeping must never fail a request
        log.exception("could not purge old idempotency records")


def _insert(scope: str, key: str, request_hash: str) -> Claim | None:
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=request_hash)
    except IntegrityError:
        return None
    return Claim(record.pk, scope, key, request_hash, record.created_at)


def idempotency_begin(
    *, scope: str, key: str, request_hash: str, wait_seconds: float | None = None
) -> Claim | StoredResponse:
    """Claim the key for this request, or return the stored answer of an earlier identical request.

    Raises KeyReusedError if the key belongs to another request, InProgressError if the first request is still
    running after `wait_seconds`. Must not be called inside a transaction that the work also uses: the claim has
    to be visible to other requests at once.
    """
    _maybe_purge()
    deadline = time.monotonic() + (WAIT_SECONDS if wait_seconds is None else wait_seconds)
    pause = POLL_SECONDS
    claim = _insert(scope, key, request_hash)
    if claim is not None:
        return claim
    for _attempt in range(10_000):  # bounded: each turn either sleeps or lost a race that then ended
        # Only reads while waiting: on SQLite another insert would queue for the write lock the first request holds.
        record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if record is None:  # released (or expired and removed) meanwhile: try to claim it again
            claim = _insert(scope, key, request_hash)
            if claim is not None:
                return claim
            continue
        now = timezone.now()
        if record.created_at < now - TTL:
            IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            continue
        if record.request_hash != request_hash:
            raise KeyReusedError(key)
        if record.status_code is not None:
            return StoredResponse(record.status_code, record.response_body, record.content_type, replayed=True)
        if record.created_at < now - STALE_AFTER:
            # The first request died without an answer: take its claim over (only one taker can win).
            taken = IdempotencyRecord.objects.filter(
                pk=record.pk, created_at=record.created_at, status_code__isnull=True
            ).update(created_at=now)
            if taken:
                log.warning("idempotency key %s:%s taken over from a request that did not answer", scope, key)
                return Claim(record.pk, scope, key, request_hash, now)
            continue
        if time.monotonic() >= deadline:
            raise InProgressError()
        time.sleep(pause)
        pause = min(pause * 1.5, 0.5)
    raise InProgressError()


def idempotency_complete(claim: Claim, *, status_code: int, body: str, content_type: str) -> None:
    """Keep the answer for the retries; the first stored answer stays."""
    IdempotencyRecord.objects.filter(pk=claim.record_id, status_code__isnull=True).update(
        status_code=status_code, response_body=body, content_type=content_type[:100]
    )


def idempotency_release(claim: Claim) -> None:
    """Give the key back without an answer (nothing was done, or nothing worth replaying)."""
    IdempotencyRecord.objects.filter(pk=claim.record_id, created_at=claim.claimed_at, status_code__isnull=True).delete()


def keep_success(status_code: int) -> bool:
    """The default rule: replay what succeeded; errors are answered afresh (a corrected retry may succeed)."""
    return 200 <= status_code < 300


def run_idempotent(
    *,
    scope: str,
    key: str,
    request_hash: str,
    handler: Callable[[], StoredResponse],
    keep: Callable[[int], bool] = keep_success,
    wait_seconds: float | None = None,
) -> StoredResponse:
    """Answer with `handler()` once per (scope, key); replay that answer to identical retries.

    Raises KeyReusedError and InProgressError as `idempotency_begin` does. An exception from the handler releases
    the key and propagates.
    """
    outcome = idempotency_begin(scope=scope, key=key, request_hash=request_hash, wait_seconds=wait_seconds)
    if isinstance(outcome, StoredResponse):
        return outcome
    try:
        response = handler()
    except BaseException:
        idempotency_release(outcome)
        raise
    if keep(response.status_code):
        idempotency_complete(
            outcome, status_code=response.status_code, body=response.body, content_type=response.content_type
        )
    else:
        idempotency_release(outcome)
    return replace(response, replayed=False)
