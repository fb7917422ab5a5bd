"""Reports: submit (with photos and safe retries), track by code, the public list, and the reporter's actions."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import validators
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

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
from balai.core.models import Pemda
from balai.lapor import selectors, services
from balai.lapor.forms import ReportForm
from balai.lapor.models import Category, Channel, QuestionType, Report
from balai.lapor.ratelimit import SubmissionLimited
from balai.lapor.services import DuplicateSubmission, report_submit
from balai.lapor.uploads import files_sent

from . import presenters
from .access import (
    api_client_for,
    canonical_code,
    check_submit_allowance,
    check_tracking_limit,
    client_ip,
    pemda_for,
    report_for_reporter,
    submission_refused,
    submit_bucket,
)
from .errors import ApiError, FieldErrors, error_response, validation_failed
from .messages import message
from .schemas import (
    ClarificationIn,
    ErrorOut,
    RatingIn,
    ReportCreatedOut,
    ReportIn,
    ReportListQuery,
    ReportOut,
    ReportPageOut,
)

# More files than this in one request are not a report with too many photos but a malformed request (413).
API_MAX_FILES = 10

router = Router(tags=["reports"])

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# A report's submission token, derived from its Idempotency-Key and request: the database itself then refuses a
# second report for the same retry, even if the idempotency record is gone or was taken over.
SUBMISSION_NAMESPACE = uuid.UUID("1f3d2c4e-8a0b-5c6d-9e7f-a1b2c3d4e5f6")
ERRORS: dict[int | str, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)}


def _require_form(run: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse a body that is not a form before ninja reads it (it would report every field as missing)."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.content_type not in FORM_TYPES:
            return error_response(
                ApiError(
                    415, "unsupported_media_type", message("unsupported_media_type", expected="multipart/form-data")
                )
            )
        return run(request, *args, **kwargs)

    return wrapper


def _json(request: HttpRequest, payload: Any, status: int) -> StoredResponse:
    from .api import api

    body = api.renderer.render(request, payload, response_status=status)
    text = body.decode() if isinstance(body, bytes) else str(body)
    return StoredResponse(status, text, api.get_content_type())


# --- submit ---------------------------------------------------------------------------------------------------


def _answers_post(category: Category, raw: str | None, post: QueryDict, errors: FieldErrors) -> None:
    """Put the JSON answers where the web form expects them (one field per question of the chosen category)."""
    if raw is None:
        return
    try:
        answers = json.loads(raw)
    except ValueError:
        answers = None
    if not isinstance(answers, dict):
        errors["answers"] = [message("invalid_json_object")]
        return
    questions = {q.code: q for q in category.questions.filter(is_active=True)}
    for code, value in answers.items():
        question = questions.get(code)
        if question is None:
            errors[f"answers.{code}"] = [message("unknown_question")]
            continue
        values = value if isinstance(value, list) else [value]
        if question.datatype != QuestionType.MULTI and len(values) > 1:
            errors[f"answers.{code}"] = [str(validators.RegexValidator.message)]
            continue
        if any(isinstance(v, bool | dict | list) for v in values):
            errors[f"answers.{code}"] = [str(validators.RegexValidator.message)]
            continue
        post.setlist(f"q__{category.slug}__{code}", ["" if v is None else str(v) for v in values])


def _validated_form(data: ReportIn, photos: list[UploadedFile], pemda: Pemda) -> tuple[ReportForm | None, FieldErrors]:
    """The web form's own rules (consent, contact, wilayah, questions, photos) on the API's fields."""
    errors: FieldErrors = {}
    post = QueryDict(mutable=True)
    for name in ("kind", "title", "description", "kelurahan", "address", "reporter_name", "reporter_email",
                 "reporter_phone"):  # fmt: skip
        post[name] = getattr(data, name) or ""
    for name in ("is_anonymous", "is_confidential", "consent"):
        if getattr(data, name):
            post[name] = "on"
    category = Category.objects.filter(slug=data.category, is_active=True).first()
    if category is None:
        errors["category"] = [message("unknown_category")]
    else:
        post["category"] = str(category.pk)
        _answers_post(category, data.answers, post, errors)
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = [message("coordinates_incomplete")]
    elif data.latitude is not None and data.longitude is not None:
        if pemda.contains_point(round(data.latitude, 6), round(data.longitude, 6)):
            post["latitude"], post["longitude"] = f"{data.latitude:.6f}", f"{data.longitude:.6f}"
        else:
            errors["latitude"] = [
                _("The point on the map is outside %(pemda)s; please mark it again.") % {"pemda": pemda.short_name}
            ]
    form = ReportForm(post, MultiValueDict({"photos": list(photos)}), pemda=pemda)
    if not form.is_valid():
        for name, messages in form.errors.items():
            if name == "category" and "category" in errors:
                continue
            if name.startswith("q__"):
                # The field and validate_answers may both object; one message per answer is enough.
                errors.setdefault("answers." + name.split("__", 2)[2], [str(messages[0])])
            else:
                errors.setdefault(name, []).extend(str(m) for m in messages)
    return (form if not errors else None), errors


def _submit(
    request: HttpRequest,
    data: ReportIn,
    photos: list[UploadedFile],
    *,
    pemda: Pemda,
    client: ApiClient | None,
    submission_token: uuid.UUID | None,
) -> StoredResponse:
    if submission_token is not None:
        earlier = Report.objects.filter(submission_token=submission_token).first()
        if earlier is not None:
            # A retry whose first answer is no longer kept: the same report, whatever the rate limit says.
            return _created(request, earlier)
    bucket = submit_bucket(request, client)
    check_submit_allowance(bucket)  # only reports made count, as on the web form
    if files_sent(request) > API_MAX_FILES:  # as Django's own file limit answered before photos were counted
        raise ApiError(413, "too_many_files", message("too_many_files", max=settings.PHOTO_MAX_COUNT))
    if files_sent(request) > settings.PHOTO_MAX_COUNT:  # the photos past the limit were not even read
        raise validation_failed(
            {
                "photos": [
                    _("You can attach at most %(max)d photos; you chose %(count)d.")
                    % {"max": settings.PHOTO_MAX_COUNT, "count": files_sent(request)}
                ]
            }
        )
    form, errors = _validated_form(data, photos, pemda)
    if form is None:
        raise validation_failed(errors)
    try:
        report = report_submit(
            data=form.to_input(get_language() or settings.LANGUAGE_CODE),
            photos=[processed for _name, processed in form.processed_photos],
            actor=None,
            ip_address=client_ip(request),
            channel=Channel.API,
            submission_token=submission_token,
            pemda=pemda,
            api_client=client,
            rate_bucket=bucket,
        )
    except DuplicateSubmission as duplicate:
        report = duplicate.report
    except SubmissionLimited as exc:
        raise submission_refused(exc) from exc
    return _created(request, report)


def _created(request: HttpRequest, report: Report) -> StoredResponse:
    fresh = selectors.report_by_code_for_tracking(report.code)
    assert fresh is not None  # noqa: S101 - it was just written
    payload = ReportCreatedOut.model_validate(presenters.report_created(request, fresh)).model_dump()
    return _json(request, payload, 201)


def _http(stored: StoredResponse) -> HttpResponse:
    response = HttpResponse(stored.body, status=stored.status_code, content_type=stored.content_type)
    response["Cache-Control"] = "no-store"  # it carries the reporter's private token
    if stored.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


SUBMIT_DESCRIPTION = """Send a new report as `multipart/form-data` (or `application/x-www-form-urlencoded` when
there are no photos); the rules are the web form's. Photos: up to 5 files in `photos` (JPEG, PNG or WebP, at most
10 MB each), re-encoded as JPEG with every bit of metadata (GPS included) removed.

**Authentication is optional.** With an API key (`Authorization: Bearer <key>` or `X-Api-Key: <key>`) the report is
attributed to the client and counts against the client's own rate limit; without one it counts against the public
web form's limit for the sender's address (`RATELIMIT_REPORTS`, 10 per hour by default). Only reports actually
created count. A 429 carries `Retry-After`.

**Safe retries.** Send a fresh random `Idempotency-Key` (a UUID) with every new report and the *same* key with every
retry of it. A retry with the same key and the same fields and photos gets the first answer again (with the header
`Idempotent-Replayed: true`) and never creates a second report, even when both arrive at the same time. While the
first request is still running, a retry waits for it up to 5 seconds, then gets 409 with `Retry-After`. The same
key with different content is refused with 422 `idempotency_key_reused`. Only successful answers are kept, for 24
hours; an error (validation, rate limit) is not kept, so a corrected request may reuse the key.

The answer contains `reporter_token`, shown only here: keep it on the device to answer clarification questions and
to rate the answer (`X-Reporter-Token`)."""


@router.post(
    "/reports",
    response={201: ReportCreatedOut, **ERRORS},
    summary="Submit a report",
    description=SUBMIT_DESCRIPTION,
    operation_id="report_create",
    openapi_extra={
        "security": [{}, {"ApiKeyBearer": []}, {"ApiKeyHeader": []}],
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "encoding": {"photos": {"contentType": "image/jpeg, image/png, image/webp"}},
                }
            }
        },
    },
)
@decorate_view(_require_form)
def report_create(
    request: HttpRequest,
    data: Form[ReportIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    idempotency_key: str | None = Header(  # type: ignore[assignment]
        None,
        alias="Idempotency-Key",
        description="A fresh UUID per report, the same for its retries (16-200 printable ASCII characters).",
    ),
) -> HttpResponse:
    pemda = pemda_for(request)
    client = api_client_for(request)
    files = list(photos or [])
    if not idempotency_key:
        return _http(_submit(request, data, files, pemda=pemda, client=client, submission_token=None))
    if not key_is_valid(idempotency_key):
        raise ApiError(400, "invalid_idempotency_key", message("invalid_idempotency_key"))
    scope = scope_for(client)
    fingerprint = request_hash_for(request)
    token = uuid.uuid5(SUBMISSION_NAMESPACE, f"{scope}\n{idempotency_key}\n{fingerprint}")
    try:
        stored = run_idempotent(
            scope=scope,
            key=idempotency_key,
            request_hash=fingerprint,
            handler=lambda: _submit(request, data, files, pemda=pemda, client=client, submission_token=token),
        )
    except KeyReusedError as exc:
        raise ApiError(422, "idempotency_key_reused", message("idempotency_key_reused")) from exc
    except InProgressError as exc:
        raise ApiError(
            409,
            "idempotency_in_progress",
            message("idempotency_in_progress"),
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc
    return _http(stored)


# --- read -----------------------------------------------------------------------------------------------------


@router.get(
    "/reports",
    response={200: ReportPageOut, 422: ErrorOut, 503: ErrorOut},
    summary="Public reports",
    operation_id="report_list",
)
def report_list(request: HttpRequest, filters: Query[ReportListQuery]) -> dict[str, Any]:
    """Reports anyone may see, newest first. Never rahasia or archived reports; never anybody's identity."""
    pemda_for(request)
    qs = selectors.reports_public(
        selectors.PublicFilters(
            status=filters.status or "",
            category=filters.category or "",
            kecamatan=filters.kecamatan or "",
            q=(filters.q or "").strip(),
        )
    ).annotate(shown_title=Coalesce(NullIf("public_title", Value("")), "title"))
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    reports = list(qs[start : start + filters.page_size]) if start < count else []
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "num_pages": max(1, -(-count // filters.page_size)),
        "results": [presenters.report_summary(request, r, title=r.shown_title) for r in reports],  # type: ignore[attr-defined]
    }


@router.get(
    "/reports/{code}",
    response={200: ReportOut, 404: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Track a report by its code",
    operation_id="report_track",
)
def report_track(request: HttpRequest, code: str, response: HttpResponse) -> dict[str, Any]:
    """The report's status and public timeline, for whoever holds its tracking code (rahasia reports too, like
    the tracking page; their photos stay with the officers). Never the reporter's identity or contact. Case,
    spaces and dashes in the code do not matter. Limited per address (`RATELIMIT_TRACK`)."""
    pemda = pemda_for(request)
    check_tracking_limit(request)
    canonical = canonical_code(code, pemda)
    report = selectors.report_by_code_for_tracking(canonical)
    if report is None:
        raise ApiError(404, "report_not_found", message("report_not_found", code=canonical))
    response["Cache-Control"] = "private, no-cache"
    return presenters.report_detail(request, report)


# --- the reporter's actions -----------------------------------------------------------------------------------

REPORTER_SECURITY: dict[str, Any] = {"security": [{"ReporterToken": []}]}


def _reporter_action(request: HttpRequest, code: str, act: Callable[[Report], Report]) -> HttpResponse:
    report = report_for_reporter(request, code)
    try:
        act(report)
    except services.ActionError as exc:
        raise ApiError(409, "action_not_allowed", exc.message) from exc
    fresh = selectors.report_by_code_for_tracking(report.code)
    assert fresh is not None  # noqa: S101 - it exists
    payload = ReportOut.model_validate(presenters.report_detail(request, fresh)).model_dump()
    response = _http(_json(request, payload, 200))
    return response


@router.post(
    "/reports/{code}/clarification",
    response={200: ReportOut, **ERRORS},
    summary="Answer the officers' clarification question",
    operation_id="report_clarify",
    openapi_extra=REPORTER_SECURITY,
)
def report_clarify(request: HttpRequest, code: str, data: ClarificationIn) -> HttpResponse:
    """While the report is `ditunda` (see `clarification_question`), the reporter answers with the private token
    in `X-Reporter-Token`; the report goes back to `diterima` and its verification clock resumes. 409 when the
    report is not waiting for an answer."""
    return _reporter_action(
        request,
        code,
        lambda report: services.report_answer_clarification(report=report, answer=data.answer, ip=client_ip(request)),
    )


@router.post(
    "/reports/{code}/rating",
    response={200: ReportOut, **ERRORS},
    summary="Rate the answer",
    operation_id="report_rate",
    openapi_extra=REPORTER_SECURITY,
)
def report_rate(request: HttpRequest, code: str, data: RatingIn) -> HttpResponse:
    """Once the report is `selesai`, the reporter rates the answer from 1 to 5 (again to change it), with the
    private token in `X-Reporter-Token`. 409 before it is finished."""
    return _reporter_action(
        request,
        code,
        lambda report: services.report_rate(
            report=report, rating=data.rating, comment=data.comment, ip=client_ip(request)
        ),
    )
