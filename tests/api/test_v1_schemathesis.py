"""Schemathesis against the API's own OpenAPI document: whatever it is sent, no server error, and every answer is
what the document says (status, content type, headers, body schema)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.test.client import ClientHandler
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from jsonschema import Draft202012Validator, FormatChecker
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from balai.api.v1.api import api
from balai.lapor.models import Report

from .v1_support import BASE, error_of, finished, json_of, on_hold, photo, submit

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 25


@pytest.fixture
def lenient_limits(city: Any, settings: Any) -> None:
    """The demo city; generous limits, because the run sends many reports from one address and 429 is not the
    point here (it has its own tests)."""
    settings.RATELIMIT_REPORTS = "10000/h"
    settings.RATELIMIT_TRACK = "10000/m"


def _wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Django's WSGI application as the test client runs it: inside the test's transaction, which a plain
    WSGIHandler would end by closing the connection when the request finishes."""
    response = ClientHandler()(environ)
    start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
    return [response.content]


def _schema() -> Any:
    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}})
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"), config=config)
    loaded.app = _wsgi_app
    return loaded


schema = _schema()


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
def test_the_api_keeps_its_openapi_promises(case: Any, lenient_limits: None) -> None:
    case.call_and_validate(checks=CHECKS)


# --- answers that random data rarely reaches, checked against the same document -----------------------------------


def _validator(component: str) -> Draft202012Validator:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{component}", "components": document["components"]},
        format_checker=FormatChecker(),
    )


def _assert_conforms(body: Any, component: str) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in _validator(component).iter_errors(body)]
    assert not errors, errors


def test_real_answers_match_their_documented_schemas(client, city, coordinator, operator_pupr):
    created = json_of(submit(client, photos=[photo()]), 201)
    _assert_conforms(created, "ReportCreatedOut")
    report = Report.objects.get(code=created["code"])
    on_hold(report, coordinator)
    token = {"HTTP_X_REPORTER_TOKEN": report.reporter_token}
    answered = client.post(f"{BASE}/reports/{report.code}/clarification", {"answer": "Di depan rumah nomor 12."},
                           content_type="application/json", **token)  # fmt: skip
    _assert_conforms(json_of(answered), "ReportOut")
    finished(Report.objects.get(pk=report.pk), coordinator, operator_pupr)
    rated = client.post(f"{BASE}/reports/{report.code}/rating", {"rating": 5}, content_type="application/json", **token)
    _assert_conforms(json_of(rated), "ReportOut")
    _assert_conforms(json_of(client.get(f"{BASE}/reports/{report.code}")), "ReportOut")
    _assert_conforms(json_of(client.get(f"{BASE}/reports")), "ReportPageOut")
    _assert_conforms(error_of(client.get(f"{BASE}/reports/BTG-7K3Q-9XFA"), 404, "report_not_found"), "ErrorDetail")
