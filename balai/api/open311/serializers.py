"""GeoReport v2 documents: Balai's objects as plain dicts, and those dicts as the spec's JSON and XML."""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from balai.core.models import Pemda
from balai.lapor.models import Category, CategoryQuestion, Report, Status
from balai.lapor.timeline import event_text

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"xml": "text/xml", "json": "application/json"}

# The element that holds each item of a list, by the name of the list (the spec's XML examples).
ITEM_NAMES = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "services": "service",
    "service_requests": "request",
    "errors": "error",
}

# Characters XML 1.0 cannot carry at all, even escaped; a report typed elsewhere might hold one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- dicts -----------------------------------------------------------------------------------------


def w3c_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with the offset of the Pemda's time zone, e.g. 2026-11-25T08:30:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def discovery_dict(
    *, pemda: Pemda, changeset: datetime, endpoint_url: str, contact: str, key_service: str
) -> dict[str, Any]:
    stamp = w3c_datetime(changeset)
    return {
        "changeset": stamp,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": stamp,
                # A demo installation must not be mistaken for the Pemda's real one.
                "type": "test" if pemda.is_demo else "production",
                "formats": list(FORMATS.values()),
            }
        ],
    }


def keywords_of(category: Category) -> str:
    """The category's description is a comma-separated list of what it covers: those are its keywords."""
    phrases = [p.strip().lower() for p in category.description.split(",")]
    return ", ".join(p for p in phrases if p)


def service_dict(category: Category, *, has_questions: bool) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.description,
        "metadata": has_questions,
        "type": "realtime",
        "keywords": keywords_of(category),
        "group": str(category.default_unit),
    }


def attribute_dict(question: CategoryQuestion) -> dict[str, Any]:
    return {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": question.description or None,
        "order": question.order,
        "description": question.label,
        "values": [{"key": key, "name": name} for key, name in question.choice_pairs()] if question.is_list else [],
    }


def service_definition_dict(category: Category, questions: list[CategoryQuestion]) -> dict[str, Any]:
    return {"service_code": category.slug, "attributes": [attribute_dict(q) for q in questions]}


def _coordinate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def request_dict(report: Report, *, service_notice: str | None = None) -> dict[str, Any]:
    """One service request as the public may see it: never a name, an email, a phone or an account.

    Expects the annotations of `selectors.service_requests_visible` (o311_note, o311_code, o311_params,
    o311_updated, o311_photo); the notes are worded in the caller's language.
    Updated is the last public event: staff notes and internal edits are nobody else's business.
    """
    photo_id = getattr(report, "o311_photo", None)
    media_url = report.media_url or None
    if media_url is None and photo_id is not None and report.status != Status.DIARSIPKAN:
        media_url = settings.SITE_URL + reverse("lapor:photo", args=[photo_id])
    place = [report.address, *(w.display_name for w in (report.kelurahan, report.kecamatan) if w is not None)]
    return {
        "service_request_id": report.code,
        "status": "open" if report.is_open else "closed",
        "status_notes": event_text(
            getattr(report, "o311_code", None) or "",
            getattr(report, "o311_params", None),
            getattr(report, "o311_note", None) or "",
        )
        or None,
        "service_name": report.category.name,
        "service_code": report.category.slug,
        "description": report.display_description,
        "agency_responsible": report.lead_unit.name if report.lead_unit is not None else None,
        "service_notice": service_notice,
        "requested_datetime": w3c_datetime(report.created_at),
        "updated_datetime": w3c_datetime(
            max(getattr(report, "o311_updated", None) or report.created_at, report.created_at)
        ),
        "expected_datetime": w3c_datetime(report.due_at),
        "address": ", ".join(p for p in place if p),
        "address_id": report.kelurahan_id,
        "zipcode": None,
        "lat": _coordinate(report.latitude),
        "long": _coordinate(report.longitude),
        "media_url": media_url,
    }


def errors_list(status: int, descriptions: list[str]) -> list[dict[str, Any]]:
    return [{"code": status, "description": d} for d in descriptions]


# --- JSON and XML ------------------------------------------------------------------------------------


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: Element, value: Any, name: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, key), child, key)
    elif isinstance(value, list):
        item_name = ITEM_NAMES[name]
        for item in value:
            _fill(SubElement(element, item_name), item, item_name)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """`data` under the element `root`; lists take their item names from ITEM_NAMES, None is an empty element."""
    element = Element(root)
    _fill(element, data, root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="unicode").encode()


def render(data: Any, *, fmt: str, root: str) -> tuple[bytes, str]:
    """The body and its content type for one of the spec's formats (xml or json)."""
    if fmt == "json":
        return to_json(data), "application/json; charset=utf-8"
    return to_xml(root, data), "text/xml; charset=utf-8"
