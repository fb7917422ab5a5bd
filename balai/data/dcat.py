"""DCAT (JSON-LD) for each dataset and for the catalogue, as data.europa.eu and DCAT-AP readers expect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from balai.core.selectors import pemda_current

from .models import LICENSE_URLS, Dataset
from .selectors import published, with_details

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FREQUENCIES = {
    "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY", "yearly": "ANNUAL",
    "irregular": "IRREG",
}  # fmt: skip
MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CATALOGUE_LIMIT = 1000


def _node(dataset: Dataset, url: Callable[[str], str]) -> dict[str, Any]:
    page = url(reverse("data:dataset", args=[dataset.name]))
    node: dict[str, Any] = {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": str(dataset.uuid),
        "dct:title": dataset.title,
        "dct:description": dataset.notes,
        "dct:issued": {"@value": (dataset.published_at or dataset.created_at).isoformat(), "@type": "xsd:dateTime"},
        "dct:modified": {"@value": dataset.metadata_modified.isoformat(), "@type": "xsd:dateTime"},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": dataset.unit.name},
        "dcat:contactPoint": {"@type": "foaf:Organization", "foaf:name": dataset.steward},
        "dct:accrualPeriodicity": {
            "@id": f"http://publications.europa.eu/resource/authority/frequency/{FREQUENCIES[dataset.frequency]}"
        },
        "dcat:keyword": [t.name for t in dataset.tags.all()],
        "dcat:theme": [g.title for g in dataset.groups.all()],
        "dcat:landingPage": {"@id": page},
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": r.name,
                "dct:format": r.format,
                "dcat:mediaType": MEDIA_TYPES.get(r.format, ""),
                "dcat:downloadURL": {"@id": url(reverse("data:download", args=[r.uuid]))},
                "dcat:byteSize": r.size,
                "dct:modified": {"@value": r.last_modified.isoformat(), "@type": "xsd:dateTime"},
                **(
                    {"dct:license": {"@id": LICENSE_URLS[dataset.license_id]}}
                    if LICENSE_URLS.get(dataset.license_id)
                    else {}
                ),
            }
            for r in dataset.resources.all()
        ],
    }
    if dataset.spatial:
        node["dct:spatial"] = {"@type": "dct:Location", "dct:title": dataset.spatial}
    if dataset.temporal_start or dataset.temporal_end:
        node["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            **({"dcat:startDate": dataset.temporal_start.isoformat()} if dataset.temporal_start else {}),
            **({"dcat:endDate": dataset.temporal_end.isoformat()} if dataset.temporal_end else {}),
        }
    if LICENSE_URLS.get(dataset.license_id):
        node["dct:license"] = {"@id": LICENSE_URLS[dataset.license_id]}
    return node


def dataset_jsonld(dataset: Dataset, url: Callable[[str], str]) -> dict[str, Any]:
    return {"@context": CONTEXT, **_node(dataset, url)}


def catalogue_jsonld(url: Callable[[str], str]) -> dict[str, Any]:
    """The catalogue with its most recently changed datasets (at most CATALOGUE_LIMIT; the CKAN API pages)."""
    pemda = pemda_current()
    datasets = with_details(published().order_by("-metadata_modified", "-pk"))[:CATALOGUE_LIMIT]
    return {
        "@context": CONTEXT,
        "@id": url(reverse("data:catalogue")),
        "@type": "dcat:Catalog",
        "dct:title": f"Data {pemda.short_name}" if pemda else "Balai",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": pemda.name if pemda else "Balai"},
        "dcat:dataset": [_node(d, url) for d in datasets],
    }
