"""On every Open311 URL: the spec's error format (never an HTML page), rate limits, and safe retries."""

from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from balai.api.v1.access import submit_bucket
from balai.lapor.models import Report
from balai.lapor.ratelimit import submit_slot_take
from tests.api.open311_support import (
    BASE,
    api_client,
    assert_matches_schema,
    json_of,
    new_key,
    request_params,
    xml_data,
    xml_of,
)

pytestmark = pytest.mark.django_db

EVERY_GET = [
    "/open311/discovery",
    f"{BASE}/services",
    f"{BASE}/services/jalan-rusak",
    f"{BASE}/requests",
    f"{BASE}/requests/BTG-2222-2222",
    f"{BASE}/tokens/BTG-2222-2222",
]


def errors_of(response, status: int) -> list[str]:
    errors = json_of(response, status)
    assert_matches_schema(errors, "errors")
    assert [e["code"] for e in errors] == [status] * len(errors)
    return [e["description"] for e in errors]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/", "xml"),
        ("/open311/v2/", "xml"),
        (f"{BASE}/services.csv", "xml"),
        (f"{BASE}/services", "xml"),
        (f"{BASE}/nope.json", "json"),
        (f"{BASE}/requests/BTG-2222-2222/media.json", "json"),
        ("/open311/v3/services.xml", "xml"),
    ],
)
def test_a_url_that_is_no_endpoint_is_a_404_in_the_error_format(city, path, fmt):
    response = api_client().get(path)

    if fmt == "json":
        assert "There is no Open311 endpoint" in errors_of(response, 404)[0]
    else:
        assert xml_of(response, 404).tag == "errors"
    assert b"<html" not in response.content.lower()


def test_without_an_extension_the_accept_header_chooses_json(city):
    assert errors_of(api_client().get(f"{BASE}/services", HTTP_ACCEPT="application/json"), 404)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_a_405_in_the_error_format(city, method):
    response = getattr(api_client(), method)(f"{BASE}/requests.json")

    assert "is not allowed here" in errors_of(response, 405)[0]
    assert response["Allow"] == "GET, HEAD, POST"


def test_posting_to_a_read_only_endpoint_is_a_405(city):
    response = api_client().post(f"{BASE}/services.xml", {})

    root = xml_of(response, 405)
    assert xml_data(root) == [{"code": "405", "description": "POST is not allowed here."}]


def test_head_is_answered_like_get_without_a_body(city):
    response = api_client().head(f"{BASE}/services.json")

    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", EVERY_GET)
def test_a_failure_inside_is_still_an_error_document_never_an_html_page(city, monkeypatch, path):
    from balai.api.open311 import views

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(views, "pemda_current", broken)
    monkeypatch.setattr(views.selectors, "services_changeset", broken)
    monkeypatch.setattr(views.selectors, "services_active", broken)
    monkeypatch.setattr(views.selectors, "service_get", broken)
    monkeypatch.setattr(views.selectors, "service_requests_search", broken)
    monkeypatch.setattr(views.selectors, "service_requests_visible", broken)
    client = api_client()

    errors = errors_of(client.get(f"{path}.json"), 500)
    root = xml_of(client.get(f"{path}.xml"), 500)

    assert errors == ["Something went wrong on our side; please try again later."]
    assert root.tag == "errors"


def test_an_unconfigured_installation_answers_503_in_the_error_format(db):
    assert "not configured" in errors_of(api_client().get(f"{BASE}/services.json"), 503)[0]


def test_a_body_over_the_upload_limit_is_a_413(city, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _app, key = new_key()

    response = api_client().post(f"{BASE}/requests.json", request_params(key, description="x" * 2000))

    assert errors_of(response, 413) == ["The request is too large."]


def test_too_many_fields_is_a_400(city, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    _app, key = new_key()

    response = api_client().post(f"{BASE}/requests.json", {**request_params(key), **{f"x{i}": "y" for i in range(30)}})

    assert errors_of(response, 400) == ["The request could not be read."]


def test_get_answers_may_be_read_from_any_origin_and_vary_by_language(city):
    response = api_client().get(f"{BASE}/services.json")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "en"


# --- rate limits ----------------------------------------------------------------------------------


def test_a_client_over_its_allowance_gets_a_429_with_retry_after(city):
    _app, key = new_key(rate_limit="2/m")
    _other, other_key = new_key("Aplikasi Lain", rate_limit="2/m")
    client = api_client()

    assert [client.post(f"{BASE}/requests.json", request_params(key)).status_code for _ in range(2)] == [200, 200]
    response = client.post(f"{BASE}/requests.json", request_params(key))

    assert "Too many requests" in errors_of(response, 429)[0]
    assert 1 <= int(response["Retry-After"]) <= 60
    assert xml_of(client.post(f"{BASE}/requests.xml", request_params(key)), 429).tag == "errors"
    assert Report.objects.count() == 2
    # Each client has its own allowance.
    assert client.post(f"{BASE}/requests.json", request_params(other_key)).status_code == 200


def test_only_reports_made_count_against_the_allowance(city):
    _app, key = new_key(rate_limit="1/m")
    client = api_client()

    for _ in range(3):
        assert client.post(f"{BASE}/requests.json", request_params(key, description="Pendek")).status_code == 400
    assert client.post(f"{BASE}/requests.json", request_params(key)).status_code == 200
    assert client.post(f"{BASE}/requests.json", request_params(key)).status_code == 429


def test_the_allowance_is_shared_with_the_json_api(city):
    app, key = new_key(rate_limit="2/m")
    bucket = submit_bucket(RequestFactory().post("/api/v1/reports"), app)
    submit_slot_take(bucket)  # two reports through the JSON API
    submit_slot_take(bucket)

    assert api_client().post(f"{BASE}/requests.json", request_params(key)).status_code == 429


def test_a_malformed_read_limit_setting_falls_back_to_the_default(city, settings):
    settings.OPEN311_RATELIMIT_PUBLIC = "banyak"

    assert api_client().get(f"{BASE}/services.json").status_code == 200


def test_reads_are_limited_per_address(city, settings):
    settings.OPEN311_RATELIMIT_PUBLIC = "3/m"
    client = api_client()

    statuses = [client.get(f"{BASE}/services.json").status_code for _ in range(4)]
    other_address = api_client(REMOTE_ADDR="10.0.0.9").get(f"{BASE}/services.json")

    assert statuses == [200, 200, 200, 429]
    assert other_address.status_code == 200


# --- safe retries ---------------------------------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_no_second_report(city):
    _app, key = new_key()
    client = api_client(HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    first = client.post(f"{BASE}/requests.json", request_params(key))
    retry = client.post(f"{BASE}/requests.json", request_params(key))

    assert json_of(first) == json_of(retry)
    assert retry["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Report.objects.count() == 1


def test_the_same_idempotency_key_with_another_report_is_a_422(city):
    _app, key = new_key()
    client = api_client(HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    client.post(f"{BASE}/requests.json", request_params(key))
    response = client.post(f"{BASE}/requests.json", request_params(key, description="Lubang lain di jalan sebelah."))

    assert "different request" in errors_of(response, 422)[0]
    assert Report.objects.count() == 1


def test_an_error_is_not_kept_so_a_corrected_retry_with_the_key_works(city):
    _app, key = new_key()
    client = api_client(HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    assert client.post(f"{BASE}/requests.json", request_params(key, description="Pendek")).status_code == 400
    assert client.post(f"{BASE}/requests.json", request_params(key)).status_code == 200


def test_a_malformed_idempotency_key_is_a_400(city):
    _app, key = new_key()

    response = api_client(HTTP_IDEMPOTENCY_KEY="pendek").post(f"{BASE}/requests.json", request_params(key))

    assert "Idempotency-Key" in errors_of(response, 400)[0]
    assert not Report.objects.exists()


# --- never a 500 ----------------------------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
POST_FIELDS = ["service_code", "lat", "long", "address_string", "address_id", "description", "email", "phone",
               "first_name", "last_name", "media_url", "attribute[ukuran]", "attribute[ukuran][]", "attribute[x"]  # fmt: skip
GET_FIELDS = ["service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size"]
NO_DEADLINE = hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@NO_DEADLINE
@given(changes=st.dictionaries(st.sampled_from(POST_FIELDS), ANY_TEXT, max_size=5))
def test_any_submission_is_answered_with_a_request_id_or_errors_never_a_500(city, changes):
    _app, key = new_key(f"Aplikasi {uuid.uuid4()}")

    response = api_client().post(f"{BASE}/requests.json", request_params(key, **changes))

    if response.status_code != 200:
        assert response.status_code in (400, 404), response.content
        errors_of(response, response.status_code)


@NO_DEADLINE
@given(params=st.dictionaries(st.sampled_from(GET_FIELDS), ANY_TEXT, max_size=4))
def test_any_search_is_answered_with_requests_or_errors_never_a_500(city, params):
    response = api_client(REMOTE_ADDR=f"10.1.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}").get(
        f"{BASE}/requests.json", params
    )

    if response.status_code == 200:
        assert_matches_schema(json_of(response), "requests")
    else:
        assert response.status_code in (400, 404), response.content
        errors_of(response, response.status_code)
