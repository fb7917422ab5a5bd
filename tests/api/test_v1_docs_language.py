"""The API documentation page is in one language at a time: its own headings and the endpoint texts of the
OpenAPI document (which stays English) both in the reader's language."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from balai.api.v1.api import api
from balai.api.v1.docs import translated

from .v1_support import BASE

pytestmark = pytest.mark.django_db

# (English, Indonesian): a summary, a field, a response, a paragraph of a description, the page's own words.
PAIRS = [
    ("Track a report by its code", "Lacak laporan dengan kodenya"),
    ("Street, number or a landmark.", "Jalan, nomor atau patokan."),
    ("Too Many Requests", "Terlalu banyak permintaan"),
    ("Safe retries.", "Pengulangan yang aman."),
    ("Once the report is <code>selesai</code>", "Setelah laporan <code>selesai</code>"),
    ("A JSON API for apps and other systems", "API JSON untuk aplikasi dan sistem lain"),
    ("Request body", "Isi permintaan"),
]


def _page(client, language: str) -> str:
    return html.unescape(client.get(f"{BASE}/docs", HTTP_ACCEPT_LANGUAGE=language).content.decode())


def test_the_docs_page_in_indonesian_has_no_english_endpoint_sentence(client, city):
    page = _page(client, "id")
    for english, indonesian in PAIRS:
        assert indonesian in page
        assert english not in page


def test_the_docs_page_in_english_has_no_indonesian_endpoint_sentence(client, city):
    page = _page(client, "en")
    for english, indonesian in PAIRS:
        assert english in page
        assert indonesian not in page


def _document_texts() -> list[str]:
    """Every text of the OpenAPI document the page shows, as the page splits it (paragraphs)."""
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    found = [api.description]
    for item in document["paths"].values():
        for operation in item.values():
            found += [operation.get("summary", ""), operation.get("description", "")]
            found += [p.get("description", "") for p in operation.get("parameters", [])]
            found += [r.get("description", "") for r in operation.get("responses", {}).values()]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                schema = media["schema"]
                schema = components.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
                found += [d.get("description", "") for d in schema.get("properties", {}).values()]
    return [" ".join(p.split()) for text in found for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def test_every_text_of_the_openapi_document_has_its_indonesian_translation():
    texts = _document_texts()
    assert len(texts) > 40
    with translation.override("id"):
        untranslated = [text for text in texts if translated(text) == text]
    assert untranslated == [], "add them to balai/api/v1/docs_texts.py and translate them"
