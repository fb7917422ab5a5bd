"""The API's human-readable documentation, rendered on the server from its own OpenAPI document.

Not Swagger UI: that needs ninja in INSTALLED_APPS to load its scripts locally (otherwise it loads them from a CDN,
which our Content-Security-Policy `script-src 'self'` and the no-outside-network rule forbid), and it is a page that
shows nothing without JavaScript. This one is plain HTML in the site's layout: readable on a small phone, with a
screen reader and without scripts.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from ninja.openapi.docs import DocsBase

TEMPLATE = Path(__file__).with_name("docs.html")
METHODS = ("get", "post", "put", "patch", "delete")

EXAMPLES: dict[str, str] = {
    "categories_list": "curl -H 'Accept-Language: en' {base}categories",
    "kecamatan_list": "curl {base}wilayah/kecamatan",
    "kelurahan_list": "curl '{base}wilayah/kelurahan?kecamatan=71.72.01&q=pasir'",
    "report_create": (
        "curl -X POST {base}reports \\\n"
        "  -H 'Idempotency-Key: 5b0f6a0e-3c1d-4f7e-9a53-2f1c8d3e7b10' \\\n"
        "  -F category=jalan-rusak -F 'title=Jalan berlubang di depan SD 3' \\\n"
        "  -F 'description=Lubang besar di tengah jalan sejak seminggu, berbahaya untuk motor.' \\\n"
        "  -F kelurahan=71.72.01.1001 -F 'reporter_name=Rina Wuisan' -F reporter_phone=081100002222 \\\n"
        "  -F consent=true -F photos=@lubang.jpg"
    ),
    "report_list": "curl '{base}reports?status=selesai&page=2'",
    "report_track": "curl {base}reports/BTG-7K3Q-9XFA",
    "report_clarify": (
        "curl -X POST {base}reports/BTG-7K3Q-9XFA/clarification -H 'X-Reporter-Token: <token>' \\\n"
        "  -H 'Content-Type: application/json' -d '{{\"answer\": \"Di depan rumah nomor 12.\"}}'"
    ),
    "report_rate": (
        "curl -X POST {base}reports/BTG-7K3Q-9XFA/rating -H 'X-Reporter-Token: <token>' \\\n"
        '  -H \'Content-Type: application/json\' -d \'{{"rating": 5, "comment": "Cepat, terima kasih."}}\''
    ),
}


def translated(text: str) -> str:
    """One text of the OpenAPI document (English) in the reader's language, paragraph by paragraph, whitespace
    collapsed as the catalogue has it (balai/api/v1/docs_texts.py)."""
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(gettext(p) if p else p for p in paragraphs)


def formatted(text: str) -> SafeString:
    """The little Markdown our descriptions use (paragraphs, `code`, **bold**), from escaped text."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", translated(text)):
        escaped = html.escape(" ".join(block.split()))
        escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
        escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
        escaped = re.sub(r"(?<![\w*])\*([^*]+)\*(?![\w*])", r"<em>\1</em>", escaped)
        paragraphs.append(f"<p>{escaped}</p>")
    return mark_safe("".join(paragraphs))  # noqa: S308 - built from escaped text above


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return components.get(ref.rsplit("/", 1)[-1], {})
    return schema


def _type(schema: dict[str, Any], components: dict[str, Any]) -> str:
    schema = _resolve(schema, components)
    if "anyOf" in schema:
        kinds = [_type(s, components) for s in schema["anyOf"] if s.get("type") != "null"]
        return " | ".join(kinds)
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = str(schema.get("type", schema.get("title", "")))
    if kind == "array":
        return f"[{_type(schema.get('items', {}), components)}]"
    if schema.get("format") == "binary":
        return "file"
    limits = []
    if "minLength" in schema or "maxLength" in schema:
        limits.append(f"{schema.get('minLength', 0)}–{schema.get('maxLength', '')}")
    if "minimum" in schema or "maximum" in schema:
        limits.append(f"{schema.get('minimum', '')}…{schema.get('maximum', '')}")
    if "pattern" in schema:
        limits.append(str(schema["pattern"]))
    return f"{kind} ({', '.join(limits)})" if limits else kind


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(schema, components)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type(details, components),
            "required": name in required,
            "description": translated(details.get("description", "")),
        }
        for name, details in schema.get("properties", {}).items()
    ]


def operations(schema: dict[str, Any], base: str) -> list[dict[str, Any]]:
    """Each operation of the OpenAPI document, flattened for the template."""
    components = schema.get("components", {}).get("schemas", {})
    result = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            bodies = [
                {"content_type": content_type, "fields": _fields(media.get("schema", {}), components)}
                for content_type, media in operation.get("requestBody", {}).get("content", {}).items()
            ]
            security = operation.get("security") or []
            auth = ""
            if {} in security:
                auth = "auth_optional"
            elif any("ReporterToken" in s for s in security):
                auth = "auth_reporter"
            op_id = operation.get("operationId", "")
            result.append(
                {
                    "id": op_id,
                    "method": method.upper(),
                    "path": path,
                    "summary": translated(operation.get("summary", "")),
                    "description": formatted(operation.get("description", "")),
                    "auth": auth,
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "type": _type(p.get("schema", {}), components),
                            "required": p.get("required", False),
                            "description": translated(p.get("description", "")),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "bodies": bodies,
                    "responses": [
                        {"status": status, "description": translated(r.get("description", ""))}
                        for status, r in operation.get("responses", {}).items()
                    ],
                    "example": EXAMPLES.get(op_id, "").format(base=base),
                }
            )
    return result


class DocsPage(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        openapi_url = reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs)
        root = reverse(f"{api.urls_namespace}:api-root", kwargs=kwargs)
        schema = api.get_openapi_schema(path_params=kwargs)
        template = engines["django"].from_string(TEMPLATE.read_text(encoding="utf-8"))
        context = {
            "api": api,
            "description": formatted(api.description),
            "openapi_url": openapi_url,
            "operations": operations(schema, settings.SITE_URL + root),
        }
        response = HttpResponse(template.render(context, request))
        response["Cache-Control"] = "public, max-age=300"
        return response
