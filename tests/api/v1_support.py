"""What the JSON API v1 tests share: a valid submission, multipart posting, JSON reading, an API key."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from balai.api.models import ApiClient
from balai.api.services import apikey_create
from balai.core.models import Unit
from balai.lapor import services
from balai.lapor.models import Report, Weight
from tests.factories import jpeg_bytes

BASE = "/api/v1"
GIRIAN_BAWAH = "71.72.06.1003"  # Kec. Girian
INSIDE = {"latitude": "1.4412", "longitude": "125.1617"}  # Kota Bitung (demo bounds 1.36–1.62 N, 124.98–125.36 E)


def report_fields(**overrides: Any) -> dict[str, Any]:
    """A submission the web form would accept."""
    fields: dict[str, Any] = {
        "kind": "pengaduan",
        "category": "jalan-rusak",
        "title": "Jalan berlubang di depan SD Negeri 3",
        "description": "Lubang besar di tengah jalan sejak seminggu lalu, berbahaya untuk pengendara motor.",
        "kelurahan": GIRIAN_BAWAH,
        "reporter_name": "Budi Santoso",
        "reporter_email": "budi.santoso@example.id",
        "reporter_phone": "0812 3456 7890",
        "consent": "true",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def photo(name: str = "foto.jpg", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def submit(
    client: Client,
    fields: dict[str, Any] | None = None,
    *,
    photos: list[Any] | None = None,
    key: str | None = None,
    language: str | None = None,
    **headers: str,
) -> Any:
    """POST /reports as multipart, the way an app sends it."""
    data: dict[str, Any] = dict(report_fields() if fields is None else fields)
    if photos:
        data["photos"] = photos
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    if language is not None:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    return client.post(f"{BASE}/reports", data, **headers)


def json_of(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:800]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error object of a JSON error answer, after checking its status and machine code."""
    body = json_of(response, status)
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"], body
    return dict(body["error"])


def new_key() -> str:
    return str(uuid.uuid4())


def api_key(name: str = "Aplikasi Bitung Maju", rate_limit: str = "600/h") -> tuple[ApiClient, str]:
    return apikey_create(name=name, rate_limit=rate_limit)


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def reports_count() -> int:
    return Report.objects.count()


# --- moving a report along, with the same services the staff pages call ------------------------------------------


def verified(report: Report, coordinator: Any, **changes: Any) -> Report:
    fields: dict[str, Any] = {
        "kind": report.kind,
        "category": report.category,
        "weight": Weight.NORMATIF,
        "public_title": report.title,
        "is_anonymous": report.is_anonymous,
        "is_confidential": report.is_confidential,
    }
    fields.update(changes)
    return services.report_verify(report=report, actor=coordinator, version=None, **fields)


def finished(report: Report, coordinator: Any, operator: Any, answer: str = "Lubang sudah ditambal.") -> Report:
    report = verified(report, coordinator, lead_unit=Unit.objects.get(slug="dinas-pupr"))
    report = services.report_accept(report=report, actor=operator, version=None)
    return services.report_finish(report=report, actor=operator, version=None, answer=answer)


def on_hold(report: Report, coordinator: Any, question: str = "Di depan rumah nomor berapa?") -> Report:
    return services.report_request_clarification(report=report, actor=coordinator, version=None, question=question)
