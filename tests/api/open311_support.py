"""What every Open311 contract test needs: the spec's schemas, strict XML parsing, a client and an API key.

The XML reading here is written from the spec, not from Balai's serializer, so that the two are checked
against each other: the XML of a document must say exactly what its JSON says.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree

import balai.api

SCHEMAS = Path(balai.api.__file__).parent / "schemas" / "open311"
BASE = "/open311/v2"
KOTA_BITUNG = "71.72"
WANGURER_BARAT = "71.72.02.1001"  # Kec. Madidir
# Inside Kota Bitung's bounds in the demo (1.36–1.62 N, 124.98–125.36 E).
INSIDE = {"lat": "1.4412", "long": "125.1617"}

# The spec's XML: each list element and the name of its items.
LIST_ITEMS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "services": "service",
    "service_requests": "request",
    "errors": "error",
}


@cache
def schema(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    return document


def assert_matches_schema(data: Any, name: str) -> None:
    errors = sorted(
        Draft202012Validator(schema(name), format_checker=FormatChecker()).iter_errors(data), key=lambda e: e.path
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def json_of(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def xml_of(response: Any, status: int = 200) -> Any:
    """The root element of a well-formed XML answer (parsed strictly, with no entities or network)."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    etree.fromstring(response.content, parser)  # raises on anything not well-formed
    return SafeET.fromstring(response.content)


def xml_data(element: Any) -> Any:
    """An element as the data it carries: lists for the spec's list elements, dicts for records, text otherwise."""
    if element.tag in LIST_ITEMS:
        assert all(child.tag == LIST_ITEMS[element.tag] for child in element), element.tag
        return [xml_data(child) for child in element]
    if len(element):
        return {child.tag: xml_data(child) for child in element}
    return element.text


def as_xml_text(data: Any) -> Any:
    """JSON data as XML would write it: text for every value, nothing for null."""
    if isinstance(data, dict):
        return {key: as_xml_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_xml_text(value) for value in data]
    if isinstance(data, bool):
        return "true" if data else "false"
    if data is None or data == "":
        return None
    return str(data)


def assert_xml_says_what_json_says(xml_response: Any, json_response: Any, root: str, status: int = 200) -> Any:
    element = xml_of(xml_response, status)
    assert element.tag == root
    data = json_of(json_response, status)
    assert xml_data(element) == as_xml_text(data)
    return data


def api_client(**headers: Any) -> Client:
    """An app's HTTP client: English answers, CSRF checked as for a browser (the endpoints must not need it)."""
    return Client(enforce_csrf_checks=True, **{"HTTP_ACCEPT_LANGUAGE": "en", **headers})


def new_key(name: str = "Aplikasi Warga", **kwargs: Any) -> tuple[Any, str]:
    from balai.api.services import apikey_create

    return apikey_create(name=name, **kwargs)


def request_params(key: str, **overrides: Any) -> dict[str, Any]:
    """A valid pothole report from an app, with every optional field."""
    params: dict[str, Any] = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "address_id": WANGURER_BARAT,
        "address_string": "Jl. Sam Ratulangi depan SD Negeri 3",
        **INSIDE,
        "description": "Lubang besar di tengah jalan, sudah dua motor jatuh minggu ini.",
        "first_name": "Maria",
        "last_name": "Pangemanan",
        "email": "Maria.P@example.com",
        "phone": "0812 3456 7890",
        "media_url": "https://foto.example.com/lubang.jpg",
        "attribute[ukuran]": "besar",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}
