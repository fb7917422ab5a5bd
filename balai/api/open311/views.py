"""Open311 GeoReport v2 endpoints: discovery, services, service requests and tokens, in XML and JSON.

Every answer on these URLs is a GeoReport document or the spec's error list, in the format the URL asks for:
never an HTML page. Bad input is a 400 that names every problem. Submitting needs an api_key, which makes every
report attributable to its client and counts against the client's allowance (shared with the JSON API);
reading needs none and is limited per client address.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from balai.api.idempotency import (
    InProgressError,
    KeyReusedError,
    StoredResponse,
    key_is_valid,
    request_hash_for,
    run_idempotent,
    scope_for,
)
from balai.api.models import ApiClient
from balai.api.services import apikey_authenticate
from balai.api.v1.access import submit_bucket
from balai.core.middleware import client_address
from balai.core.models import Pemda
from balai.core.selectors import pemda_current
from balai.core.services import audit_record
from balai.lapor import codes
from balai.lapor.models import VERIFY_WORKING_DAYS, Channel, Report
from balai.lapor.ratelimit import SubmissionLimited, SubmitBucket, submit_is_full
from balai.lapor.services import DuplicateSubmission, report_submit

from . import selectors, serializers
from .intake import Open311Error, check_plain_parameters, submission_from

log = logging.getLogger(__name__)

MAX_REQUESTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
DEFAULT_PUBLIC_RATE = "120/m"
_RATE = re.compile(r"^\d+/\d*[smhd]$")
# Report submission tokens derived from an Idempotency-Key (the JSON API has its own namespace).
SUBMISSION_NAMESPACE = uuid.UUID("5e0f3111-6a7b-5c2d-8e9f-0a1b2c3d4e5f")
# A "+" of a time-zone offset that the client forgot to percent-encode arrives as a space.
_UNENCODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")

View = Callable[..., HttpResponse]


def jurisdiction() -> str:
    """The jurisdiction_id this server answers to: OPEN311_JURISDICTION, or the host name of SITE_URL."""
    configured: str = getattr(settings, "OPEN311_JURISDICTION", "")
    return (configured or urlsplit(settings.SITE_URL).hostname or "").lower()


def public_rate() -> str:
    """The limit for reads (GET), per client address: OPEN311_RATELIMIT_PUBLIC, e.g. 120/m (the default)."""
    rate: str = getattr(settings, "OPEN311_RATELIMIT_PUBLIC", "") or DEFAULT_PUBLIC_RATE
    if _RATE.match(rate):
        return rate
    log.warning("OPEN311_RATELIMIT_PUBLIC=%r is not a rate like 120/m; using %s", rate, DEFAULT_PUBLIC_RATE)
    return DEFAULT_PUBLIC_RATE


# --- responses ---------------------------------------------------------------------------------------


def document(data: Any, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    body, content_type = serializers.render(data, fmt=fmt, root=root)
    return HttpResponse(body, content_type=content_type, status=status)


def error_response(status: int, descriptions: list[str], *, fmt: str) -> HttpResponse:
    return document(serializers.errors_list(status, descriptions), fmt=fmt, root="errors", status=status)


def _format_from_path(request: HttpRequest) -> str:
    """For URLs that matched no endpoint: the extension if it is one of ours, else what Accept prefers."""
    suffix = request.path.rsplit(".", 1)[-1].lower() if "." in request.path.rsplit("/", 1)[-1] else ""
    if suffix in serializers.FORMATS:
        return suffix
    return "json" if "json" in request.headers.get("Accept", "") else "xml"


def _client_address(request: HttpRequest) -> str | None:
    return client_address(request)


# --- the wrapper every endpoint goes through -------------------------------------------------------------


def _check_jurisdiction(request: HttpRequest) -> None:
    sent = request.GET.get("jurisdiction_id", "")
    if request.method == "POST":
        sent = request.POST.get("jurisdiction_id", "") or sent
    sent = sent.strip()
    if sent and sent.lower() != jurisdiction():
        raise Open311Error(404, _("jurisdiction_id %(id)s was not found.") % {"id": sent[:100]})


def _authenticate(request: HttpRequest) -> ApiClient | None:
    # The spec sends it in the POST body; a key in the query string is read too (some clients put it there).
    key = request.GET.get("api_key", "")
    if request.method == "POST":
        key = request.POST.get("api_key", "") or key
    key = key.strip()
    if not key:
        return None
    client = apikey_authenticate(key)
    if client is None:
        raise Open311Error(403, _("api_key is invalid or has been revoked."))
    return client


def _too_many(seconds: int) -> Open311Error:
    wait = max(1, int(seconds))
    return Open311Error(
        429,
        _("Too many requests: wait %(n)d seconds before trying again.") % {"n": wait},
        headers={"Retry-After": str(wait)},
    )


def _count_read(request: HttpRequest) -> None:
    """Reads are public: limited per client address, with or without a key."""
    usage = get_usage(request, group="open311.read", key="ip", rate=public_rate(), increment=True)
    if usage is not None and usage["should_limit"]:
        raise _too_many(usage["time_left"])


def _check_submission_allowance(bucket: SubmitBucket | None) -> None:
    """Only look (the report's transaction counts): reaching the limit already refuses one more."""
    left = submit_is_full(bucket)
    if left is not None:
        raise _too_many(left)


def endpoint(*methods: str) -> Callable[[View], View]:
    """An Open311 endpoint: format, language, jurisdiction, api_key, rate limit and the error format.

    The view is called as view(request, fmt=..., pemda=..., client=..., **url_kwargs) and may raise
    Open311Error; any other failure still answers in the spec's error format.
    """
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        @csrf_exempt  # the api_key authenticates; no cookie is ever used
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str | None = None, **kwargs: Any) -> HttpResponse:
            fmt = fmt or _format_from_path(request)
            language = translation.get_language_from_request(request)
            with translation.override(language):
                response = _answer(view, request, fmt, allowed, *args, **kwargs)
            response["Content-Language"] = language
            patch_vary_headers(response, ["Accept-Language"])
            if request.method in ("GET", "HEAD"):
                # Public data: a web app on another origin may read it (never with cookies).
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorate


def _answer(view: View, request: HttpRequest, fmt: str, allowed: set[str], *args: Any, **kwargs: Any) -> HttpResponse:
    if request.method not in allowed:
        response = error_response(405, [_("%(method)s is not allowed here.") % {"method": request.method}], fmt=fmt)
        response["Allow"] = ", ".join(sorted(allowed))
        return response
    try:
        pemda = getattr(request, "pemda", None) or pemda_current()
        if pemda is None:
            return error_response(503, [_("This installation of Balai is not configured yet.")], fmt=fmt)
        check_plain_parameters(request.GET)
        if request.method == "POST":
            check_plain_parameters(request.POST)
        _check_jurisdiction(request)
        client = _authenticate(request)
        if request.method in ("GET", "HEAD"):
            _count_read(request)
        return view(request, *args, fmt=fmt, pemda=pemda, client=client, **kwargs)
    except Open311Error as exc:
        response = error_response(exc.status, exc.descriptions, fmt=fmt)
        for name, value in exc.headers.items():
            response[name] = value
        return response
    except RequestDataTooBig:
        return error_response(413, [_("The request is too large.")], fmt=fmt)
    except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
        return error_response(400, [_("The request could not be read.")], fmt=fmt)
    except Exception:
        log.exception("Open311 %s %s failed", request.method, view.__name__)
        return error_response(500, [_("Something went wrong on our side; please try again later.")], fmt=fmt)


# --- discovery and services --------------------------------------------------------------------------


def _base_url() -> str:
    services = reverse("open311:services", kwargs={"fmt": "json"})
    return settings.SITE_URL + services.rsplit("/", 1)[0]


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None) -> HttpResponse:
    contact = " · ".join(part for part in (pemda.name, pemda.email, pemda.phone, pemda.website) if part)
    where = pemda.email or pemda.website or settings.SITE_URL
    data = serializers.discovery_dict(
        pemda=pemda,
        changeset=selectors.services_changeset(pemda),
        endpoint_url=_base_url(),
        contact=contact,
        key_service=_(
            "API keys for sending reports are issued by the administrators of %(pemda)s; ask at %(where)s. "
            "Reading needs no key."
        )
        % {"pemda": pemda.name, "where": where},
    )
    return document(data, fmt=fmt, root="discovery")


@endpoint("GET")
def services(request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None) -> HttpResponse:
    data = [serializers.service_dict(c, has_questions=c.o311_metadata) for c in selectors.services_active()]  # type: ignore[attr-defined]
    return document(data, fmt=fmt, root="services")


@endpoint("GET")
def service_definition(
    request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None, service_code: str
) -> HttpResponse:
    category = selectors.service_get(service_code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": service_code[:80]})
    data = serializers.service_definition_dict(category, selectors.service_questions(category))
    return document(data, fmt=fmt, root="service_definition")


# --- service requests -------------------------------------------------------------------------------


def _comma_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _when(raw: str, name: str, *, end_of_day: bool) -> datetime:
    """A w3c datetime (a bare date means the whole day in the Pemda's time zone), or a 400."""
    text = _UNENCODED_PLUS.sub(r"\1+\2", raw.strip())
    try:
        parsed = parse_datetime(text)
        day = None if parsed else parse_date(text)
    except ValueError:
        parsed = day = None
    if parsed is None and day is not None:
        parsed = datetime.combine(day, time.max if end_of_day else time.min)
    # Far-away years would overflow once moved to UTC or by 90 days: no report is that old or that new.
    if parsed is None or not 1900 <= parsed.year <= 2999:
        raise Open311Error(
            400, _("%(name)s must be a w3c date and time, e.g. 2026-01-31T00:00:00+08:00.") % {"name": name}
        )
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _positive(params: QueryDict, name: str, default: int, maximum: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not 1 <= int(raw) <= maximum:
        raise Open311Error(
            400, _("%(name)s must be a whole number from 1 to %(max)d.") % {"name": name, "max": maximum}
        )
    return int(raw)


def request_filters(params: QueryDict, pemda: Pemda) -> selectors.RequestFilters:
    """The spec's search parameters; service_request_id overrides all the others."""
    ids = _comma_list(params.get("service_request_id", ""))
    if ids:
        if len(ids) > MAX_REQUESTS:
            raise Open311Error(400, _("At most %(n)d service_request_id at once.") % {"n": MAX_REQUESTS})
        return selectors.RequestFilters(codes=tuple(codes.normalize(i, pemda.code_prefix) or i for i in ids))
    service_codes = tuple(_comma_list(params.get("service_code", "")))
    unknown = sorted(set(service_codes) - selectors.service_codes_known(service_codes))
    if unknown:
        raise Open311Error(404, *[_("service_code %(code)s was not found.") % {"code": c[:80]} for c in unknown])
    statuses = tuple(s.lower() for s in _comma_list(params.get("status", "")))
    if set(statuses) - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
    raw_start, raw_end = params.get("start_date", "").strip(), params.get("end_date", "").strip()
    # The spec: the most recent 90 days by default, and never a longer range.
    if raw_start and raw_end:
        start = _when(raw_start, "start_date", end_of_day=False)
        end = _when(raw_end, "end_date", end_of_day=True)
    elif raw_start:
        start = _when(raw_start, "start_date", end_of_day=False)
        end = start + DEFAULT_WINDOW
    else:
        end = _when(raw_end, "end_date", end_of_day=True) if raw_end else timezone.now()
        start = end - DEFAULT_WINDOW
    if start > end:
        raise Open311Error(400, _("start_date must be before end_date."))
    if end - start > DEFAULT_WINDOW + timedelta(days=1):
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return selectors.RequestFilters(service_codes=service_codes, start=start, end=end, statuses=statuses)


def _next_page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f'<{settings.SITE_URL}{request.path}?{query.urlencode()}>; rel="next"'


def _request_list(request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None) -> HttpResponse:
    filters = request_filters(request.GET, pemda)
    page = _positive(request.GET, "page", 1, 1_000_000)
    page_size = _positive(request.GET, "page_size", MAX_REQUESTS, MAX_REQUESTS)
    offset = (page - 1) * page_size
    reports = list(selectors.service_requests_search(filters, client)[offset : offset + page_size + 1])
    data = [serializers.request_dict(r, service_notice=None) for r in reports[:page_size]]
    response = document(data, fmt=fmt, root="service_requests")
    if len(reports) > page_size:
        response["Link"] = _next_page_link(request, page + 1)
    return response


def service_notice(pemda: Pemda) -> str:
    return _("%(pemda)s verifies every report within %(days)d working days; its tracking code is its id.") % {
        "pemda": pemda.short_name,
        "days": VERIFY_WORKING_DAYS,
    }


def _created(report: Report, *, fmt: str, pemda: Pemda) -> StoredResponse:
    data = [{"service_request_id": report.code, "service_notice": service_notice(pemda), "account_id": None}]
    body, content_type = serializers.render(data, fmt=fmt, root="service_requests")
    return StoredResponse(200, body.decode(), content_type)


def _submit(
    request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient, submission_token: uuid.UUID | None
) -> StoredResponse:
    """Check, store and answer one new report; the client's allowance counts only reports actually made."""
    if submission_token is not None:
        earlier = Report.objects.filter(submission_token=submission_token).first()
        if earlier is not None:
            # A retry whose first answer is no longer kept: the same report, whatever the rate limit says.
            return _created(earlier, fmt=fmt, pemda=pemda)
    bucket = submit_bucket(request, client)
    _check_submission_allowance(bucket)
    submission = submission_from(request.POST, pemda=pemda)
    address = _client_address(request)
    try:
        with transaction.atomic():
            report = report_submit(
                data=submission.data,
                channel=Channel.API,
                api_client=client,
                ip_address=address,
                submission_token=submission_token,
                pemda=pemda,
                rate_bucket=bucket,
            )
            audit_record(
                actor=None,
                action="open311.request_create",
                obj=report,
                changes={"client": client.name, "client_id": client.pk, "service_code": submission.service_code},
                ip_address=address,
                actor_label=f"api:{client.name}",
            )
    except DuplicateSubmission as duplicate:
        report = duplicate.report
    except SubmissionLimited as exc:
        raise _too_many(exc.retry_after) from exc
    return _created(report, fmt=fmt, pemda=pemda)


def _as_http(stored: StoredResponse) -> HttpResponse:
    response = HttpResponse(stored.body.encode(), content_type=stored.content_type, status=stored.status_code)
    if stored.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _request_create(request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None) -> HttpResponse:
    if client is None:
        raise Open311Error(403, _("api_key is required to submit a service request."))
    if request.content_type == "application/json":
        raise Open311Error(400, _("Send the parameters form-encoded (application/x-www-form-urlencoded), not JSON."))
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return _as_http(_submit(request, fmt=fmt, pemda=pemda, client=client, submission_token=None))
    if not key_is_valid(key):
        raise Open311Error(
            400, _("Idempotency-Key must be 16 to 200 ASCII characters without spaces, for example a UUID.")
        )
    scope = scope_for(client)
    fingerprint = request_hash_for(request)
    # The database itself then refuses a second report for the same retry, even once the record is gone.
    token = uuid.uuid5(SUBMISSION_NAMESPACE, f"{scope}\n{key}\n{fingerprint}")
    try:
        stored = run_idempotent(
            scope=scope,
            key=key,
            request_hash=fingerprint,
            handler=lambda: _submit(request, fmt=fmt, pemda=pemda, client=client, submission_token=token),
        )
    except KeyReusedError as exc:
        raise Open311Error(
            422, _("This Idempotency-Key was already used for a different request; use a new key for a new report.")
        ) from exc
    except InProgressError as exc:
        raise Open311Error(
            409,
            _("The first request with this Idempotency-Key is still being processed; retry shortly with the same key."),
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc
    return _as_http(stored)


@endpoint("GET", "POST")
def service_requests(request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt=fmt, pemda=pemda, client=client)
    return _request_list(request, fmt=fmt, pemda=pemda, client=client)


def _visible(raw_code: str, pemda: Pemda, client: ApiClient | None) -> Any:
    code = codes.normalize(raw_code, pemda.code_prefix)
    if code is None:
        return None
    return selectors.service_requests_visible(client).filter(code=code).first()


@endpoint("GET")
def service_request(
    request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None, service_request_id: str
) -> HttpResponse:
    report = _visible(service_request_id, pemda, client)
    if report is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": service_request_id[:40]})
    return document([serializers.request_dict(report, service_notice=None)], fmt=fmt, root="service_requests")


@endpoint("GET")
def token(request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None, token: str) -> HttpResponse:
    """Balai answers a POST with the service_request_id at once and issues no tokens; a tracking code maps to itself."""
    report = _visible(token, pemda, client)
    if report is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token[:40]})
    data = [{"service_request_id": report.code, "token": token}]
    return document(data, fmt=fmt, root="service_requests")


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
def not_found(request: HttpRequest, *, fmt: str, pemda: Pemda, client: ApiClient | None) -> HttpResponse:
    raise Open311Error(
        404,
        _("There is no Open311 endpoint at %(path)s; see %(discovery)s.")
        % {
            "path": request.path[:120],
            "discovery": settings.SITE_URL + reverse("open311:discovery", kwargs={"fmt": "json"}),
        },
    )
