"""Who is asking: an optional API client (by key), the reporter (by their private token), and their rate limits.

The API never looks at the browser session: a signed-in staff member calling it is an anonymous client like any
other. That is what makes it safe to leave the API outside Django's CSRF protection (see docs/api.md).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import _get_ip, get_usage

from balai.api.models import ApiClient
from balai.api.services import apikey_authenticate, hash_key
from balai.core.middleware import client_address
from balai.core.models import Pemda
from balai.core.selectors import pemda_current
from balai.lapor import codes
from balai.lapor.models import Report
from balai.lapor.ratelimit import (
    SubmissionLimited,
    SubmitBucket,
    bucket_for_address,
    bucket_for_client,
    submit_is_full,
)
from balai.lapor.services import report_by_token

from .errors import ApiError
from .messages import message

log = logging.getLogger("balai.api")

RATE_PATTERN = re.compile(r"^\d+/\d*[smhd]$")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # what new_reporter_token makes (URL-safe base64)
DEFAULT_CLIENT_RATE = "600/h"
REPORTER_TOKEN_HEADER = "X-Reporter-Token"  # noqa: S105 - a header name


def pemda_for(request: HttpRequest) -> Pemda:
    pemda = getattr(request, "pemda", None) or pemda_current()
    if pemda is None:
        raise ApiError(503, "not_configured", message("not_configured"))
    return pemda


def client_ip(request: HttpRequest) -> str | None:
    return client_address(request)


def presented_key(request: HttpRequest) -> str | None:
    """The API key from `Authorization: Bearer <key>` or `X-Api-Key: <key>`, if the request carries one."""
    authorization = request.headers.get("Authorization", "").strip()
    if authorization:
        scheme, _sep, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        raise ApiError(401, "invalid_api_key", message("invalid_api_key"), headers={"WWW-Authenticate": "Bearer"})
    key = request.headers.get("X-Api-Key", "").strip()
    return key or None


def api_client_for(request: HttpRequest) -> ApiClient | None:
    """The active client whose key the request presents; None without a key; 401/403 for a bad or revoked one."""
    key = presented_key(request)
    if key is None:
        return None
    client = apikey_authenticate(key)
    if client is not None:
        return client
    if ApiClient.objects.filter(key_hash=hash_key(key), revoked_at__isnull=False).exists():
        raise ApiError(403, "api_key_revoked", message("api_key_revoked"))
    raise ApiError(401, "invalid_api_key", message("invalid_api_key"), headers={"WWW-Authenticate": "Bearer"})


def canonical_code(raw: str, pemda: Pemda) -> str:
    """The tracking code as stored; case, spaces and dashes do not matter, as on the tracking page."""
    code = codes.normalize(raw, pemda.code_prefix)
    if code is None:
        raise ApiError(404, "report_not_found", message("report_not_found", code=raw[:30]))
    return code


def report_for_reporter(request: HttpRequest, raw_code: str) -> Report:
    """The report whose private token the request carries in X-Reporter-Token."""
    pemda = pemda_for(request)
    token = request.headers.get(REPORTER_TOKEN_HEADER, "").strip()
    if not token:
        raise ApiError(401, "reporter_token_required", message("reporter_token_required"))
    code = canonical_code(raw_code, pemda)
    report = report_by_token(code, token) if TOKEN_PATTERN.match(token) else None
    if report is not None:
        return report
    if not Report.objects.filter(code=code).exists():
        raise ApiError(404, "report_not_found", message("report_not_found", code=code))
    raise ApiError(403, "reporter_token_invalid", message("reporter_token_invalid"))


# --- rate limits ----------------------------------------------------------------------------------------------


def _client_rate(client: ApiClient) -> str:
    rate = (client.rate_limit or "").strip()
    if RATE_PATTERN.match(rate):
        return rate
    log.warning("API client %s has a malformed rate limit %r; using %s", client.pk, rate, DEFAULT_CLIENT_RATE)
    return DEFAULT_CLIENT_RATE


def address_key(_group: str, request: HttpRequest) -> str:
    """The client's address as django-ratelimit's "ip" key counts it (IPv6 by /64), so that the API and the web
    form share their counters; "unknown" rather than a crash when the server could not tell (a Unix socket)."""
    if not request.META.get("REMOTE_ADDR"):
        return "unknown"
    return str(_get_ip(request))


def submit_bucket(request: HttpRequest, client: ApiClient | None) -> SubmitBucket | None:
    """The allowance a submission counts against: the client's own, or the public web form's (per address).

    Without a key, the API shares the web form's counter: switching channels does not double the allowance.
    """
    if client is None:
        return bucket_for_address(request)
    return bucket_for_client(client.pk, _client_rate(client))


def check_submit_allowance(bucket: SubmitBucket | None) -> None:
    """Only look (the report's transaction counts): reaching the limit already refuses one more."""
    left = submit_is_full(bucket)
    if left is not None:
        raise _too_many(left)


def submission_refused(exc: SubmissionLimited) -> ApiError:
    return _too_many(exc.retry_after)


def _too_many(time_left: int) -> ApiError:
    seconds = max(int(time_left), 1)
    return ApiError(
        429, "rate_limited", message("rate_limited", seconds=seconds), headers={"Retry-After": str(seconds)}
    )


def check_limit(request: HttpRequest, limit: dict[str, Any], *, increment: bool) -> None:
    """Raise 429 when the limit is reached. Without `increment`, only looks: the request about to be counted
    would be one more, so `count >= limit` already refuses it."""
    usage = get_usage(request, increment=increment, **limit)
    if usage is None:
        return
    over = usage["count"] > usage["limit"] if increment else usage["count"] >= usage["limit"]
    if over:
        raise _too_many(usage["time_left"])


def check_tracking_limit(request: HttpRequest) -> None:
    """Look-ups by tracking code, limited per address like the tracking page (it guards against guessing codes)."""
    check_limit(request, {"group": "lapor.track", "key": address_key, "rate": settings.RATELIMIT_TRACK}, increment=True)
