"""Every error of the API has one shape: {"error": {"code": ..., "message": ..., "fields": {...}}}.

The code is for programs and never changes; the message is for people, in the request's language. Bad input
is always a 4xx; a 500 means a bug, is logged with its traceback, and still answers in JSON.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .messages import message

log = logging.getLogger("balai.api")

FieldErrors = dict[str, list[str]]


class ApiError(Exception):
    """An answer other than success, raised anywhere in a handler and rendered by the API's handler."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


def validation_failed(fields: Mapping[str, Sequence[str]]) -> ApiError:
    return ApiError(422, "validation_error", message("validation_error"), fields=fields)


def error_response(error: ApiError) -> HttpResponse:
    response = HttpResponse(
        json.dumps(error.body(), ensure_ascii=False), status=error.status, content_type="application/json"
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


# --- pydantic's errors, in the catalogue's words ------------------------------------------------------


def _field_name(loc: Sequence[Any]) -> str:
    # ninja starts with the source ("form", "query", "body", "header", "path") and, for a JSON body, the handler's
    # parameter name; the client knows its fields by their own names.
    parts = [str(p) for p in loc]
    if len(parts) > 2 and parts[0] == "body":
        parts = parts[2:]
    elif len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "body"


def pydantic_message(error: Mapping[str, Any]) -> str:
    """One pydantic error as a sentence from Django's (translated) validators where one fits."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    length = error.get("input_length")
    if kind == "missing":
        return str(forms.Field.default_error_messages["required"])
    if kind == "string_too_long":
        limit = int(ctx.get("max_length", 0))
        return str(validators.MaxLengthValidator.message % {"limit_value": limit, "show_value": length or limit + 1})
    if kind == "string_too_short":
        limit = int(ctx.get("min_length", 0))
        return str(validators.MinLengthValidator.message % {"limit_value": limit, "show_value": length or 0})
    if kind in ("too_long",):
        return message("too_many_items", n=int(ctx.get("max_length", 0)))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return str(forms.IntegerField.default_error_messages["invalid"])
    if kind.startswith(("float_", "decimal_")) or kind in ("finite_number",):
        return str(forms.DecimalField.default_error_messages["invalid"])
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return str(validators.MinValueValidator.message) % {"limit_value": limit}
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return str(validators.MaxValueValidator.message) % {"limit_value": limit}
    if kind.startswith("bool_"):
        return message("invalid_boolean")
    if kind in ("literal_error", "enum"):
        return str(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": error.get("shown", "")}
    if kind in ("value_error",) and ctx.get("error"):
        return str(ctx["error"])
    return str(validators.RegexValidator.message)


def fields_from_ninja(exc: NinjaValidationError) -> FieldErrors:
    fields: FieldErrors = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(pydantic_message(error))
    return fields


# --- the handlers -----------------------------------------------------------------------------------------


def error_for_exception(request: HttpRequest, exc: Exception) -> ApiError:
    """The ApiError that answers `exc`; anything not understood is a bug (logged) and answers 500."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, NinjaValidationError):
        return validation_failed(fields_from_ninja(exc))
    if isinstance(exc, RequestDataTooBig):
        return ApiError(
            413,
            "payload_too_large",
            message(
                "payload_too_large",
                photo_mb=settings.PHOTO_MAX_BYTES // (1024 * 1024),
                form_mb=max(1, (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // (1024 * 1024)),
            ),
        )
    if isinstance(exc, TooManyFilesSent):
        return ApiError(413, "too_many_files", message("too_many_files", max=settings.PHOTO_MAX_COUNT))
    if isinstance(exc, TooManyFieldsSent | SuspiciousOperation | MultiPartParserError | UnicodeDecodeError):
        return ApiError(400, "bad_request", message("bad_request"))
    if isinstance(exc, Http404):
        return ApiError(404, "not_found", message("not_found"))
    if isinstance(exc, HttpError):
        # ninja's own (a body that is not JSON, for instance): its English text is replaced by ours.
        if exc.status_code == 404:
            return ApiError(404, "not_found", message("not_found"))
        if exc.status_code == 429:
            return ApiError(429, "rate_limited", message("rate_limited", seconds=60))
        return ApiError(400, "bad_request", message("bad_request"))
    log.exception("unexpected error in the API", exc_info=exc)
    return ApiError(500, "internal_error", message("internal_error"))
