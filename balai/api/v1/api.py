"""Balai's JSON API for apps, version 1: the NinjaAPI, its error handling, its language, its documents.

Every view of the API (ninja's operations, the OpenAPI document, the docs page, unknown addresses) runs inside
`_api_view`: the language comes from Accept-Language (Indonesian unless English is preferred), and whatever goes
wrong answers in the one JSON error shape, never with Django's HTML pages.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import pydantic
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError, ValidationErrorContext
from ninja.openapi.schema import OpenAPISchema

from .docs import DocsPage
from .errors import ApiError, error_for_exception, error_response
from .messages import message, negotiate_language
from .reference import router as reference_router
from .reports import router as reports_router

DESCRIPTION = """A JSON API for apps and other systems: categories and their questions, the Pemda's wilayah,
submitting reports (with photos, safely retried with an `Idempotency-Key`), tracking a report by its code, the
public list, and the reporter's own actions with the private `X-Reporter-Token`.

Errors always have the shape `{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}`: `code` is
for programs, `message` for people, in Bahasa Indonesia or English after `Accept-Language` (Indonesian by default).
Rahasia reports never appear in the list, and no answer ever contains a reporter's name, email or phone, except
the reporter's own token in the answer to their submission."""


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text[:40]


class BalaiNinjaAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        """ninja's errors, plus what our messages quote from the input (its length, its beginning), not the input."""
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            exc: pydantic.ValidationError = context.pydantic_validation_error
            for item in exc.errors(include_url=False):
                loc = (model.__ninja_param_source__, *model.__ninja_flatten_map_reverse__.get(item["loc"], item["loc"]))
                value = item.get("input")
                errors.append(
                    {
                        "loc": loc,
                        "type": item["type"],
                        "ctx": {
                            k: str(v) if isinstance(v, Exception) else v for k, v in (item.get("ctx") or {}).items()
                        },
                        "input_length": len(value) if isinstance(value, str | list) else None,
                        "shown": _shown(value) if value is not None else "",
                    }
                )
        return ValidationError(errors)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("securitySchemes", {}).update(
            {
                "ApiKeyBearer": {"type": "http", "scheme": "bearer", "description": "An API key from the Pemda."},
                "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                "ReporterToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Reporter-Token",
                    "description": "The reporter's private token, from the answer to the submission or the email.",
                },
            }
        )
        return schema

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern.callback = api_index
                pattern.callback = _api_view(pattern.callback)
        return patterns


def _api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = negotiate_language(request.headers.get("Accept-Language", ""))
        with translation.override(language):
            request.LANGUAGE_CODE = language
            try:
                response = view(request, *args, **kwargs)
            except Exception as exc:  # a view outside ninja's operations (OpenAPI, docs)
                response = error_response(error_for_exception(request, exc))
            if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
                response = error_response(
                    ApiError(
                        405,
                        "method_not_allowed",
                        message("method_not_allowed", method=request.method or ""),
                        headers={"Allow": response.get("Allow", "")},
                    )
                )
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def api_index(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "openapi": settings.SITE_URL + reverse("api-v1:openapi-json"),
            "docs": settings.SITE_URL + reverse("api-v1:openapi-view"),
        }
    )


def not_found(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def _handle(request: HttpRequest, exc: Any) -> HttpResponse:
    return error_response(error_for_exception(request, exc))


api = BalaiNinjaAPI(
    title="Balai API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=DocsPage(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
for _exception in (Exception, ValidationError, HttpError, Http404):
    api.add_exception_handler(_exception, _handle)

api.add_router("", reference_router)
api.add_router("", reports_router)
not_found_view = _api_view(not_found)
