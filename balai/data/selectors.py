"""Reads of the catalogue: the public ones (published datasets only) and the staff ones (scoped to the person)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from balai.core.access import StaffScope
from balai.core.models import Unit

from . import rules, search
from .models import Dataset, Resource, Tag

# The catalogue filters' choices, kept in the cache; dropped when a dataset is published or withdrawn.
CATALOGUE_OPTIONS_KEY = "data.catalogue.options"
ORG_NAMESPACE = uuid.UUID("6f1d2c1e-3a4b-5c6d-8e9f-0a1b2c3d4e5f")


def org_id(unit_id: int) -> str:
    """A CKAN organisation's id: stable for the unit, a UUID as CKAN clients expect."""
    return str(uuid.uuid5(ORG_NAMESPACE, f"unit:{unit_id}"))


def tag_id(name: str) -> str:
    return str(uuid.uuid5(ORG_NAMESPACE, f"tag:{name}"))


def with_details(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return qs.select_related("unit").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        "groups",
        Prefetch("resources", queryset=Resource.objects.order_by("position", "created_at")),
    )


def published() -> QuerySet[Dataset]:
    return Dataset.objects.published()


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    organization: str = ""
    group: str = ""
    tag: str = ""
    format: str = ""


def catalogue(filters: CatalogueFilters) -> search.Results | QuerySet[Any]:
    """The ids of the published datasets matching the search and the filters, a page at a time (each a sequence a
    Paginator can page): the best matches first when words are searched, else the newest change first."""
    qs = published()
    if filters.organization:
        qs = qs.filter(unit_id__in=Unit.objects.filter(slug=filters.organization).values("pk"))
    if filters.group:
        qs = qs.filter(Exists(Dataset.groups.through.objects.filter(dataset=OuterRef("pk"), group__name=filters.group)))
    if filters.tag:
        qs = qs.filter(Exists(Dataset.tags.through.objects.filter(dataset=OuterRef("pk"), tag__name=filters.tag)))
    if filters.format:
        qs = qs.filter(Exists(Resource.objects.filter(dataset=OuterRef("pk"), format=filters.format.upper())))
    if search.words(filters.q):
        narrowed = bool(filters.organization or filters.group or filters.tag or filters.format)
        return search.results(qs, filters.q[: search.MAX_QUERY_LENGTH], narrowed=narrowed)
    return qs.order_by("-metadata_modified", "-pk").values_list("pk", flat=True)


def dataset_public(name: str) -> Dataset:
    dataset = with_details(published().filter(name=name)).first()
    if dataset is None:
        raise Http404
    return dataset


def resource_public(resource_id: str) -> Resource:
    try:
        key = uuid.UUID(resource_id)
    except ValueError:
        raise Http404 from None
    resource = Resource.objects.select_related("dataset").filter(uuid=key, dataset__state="published").first()
    if resource is None:
        raise Http404
    return resource


def datasets_for_staff(scope: StaffScope) -> QuerySet[Dataset]:
    """What this person may open: every dataset for the walidata, their OPD's for a data officer."""
    qs = Dataset.objects.select_related("unit")
    if rules.is_walidata(scope):
        return qs
    return qs.filter(unit_id__in=rules.officer_units(scope))


def access_dataset(scope: StaffScope, dataset_id: str) -> Dataset:
    """The dataset if this person may open it; 404 otherwise (another OPD's dataset does not exist for them)."""
    try:
        key = uuid.UUID(dataset_id)
    except ValueError:
        raise Http404 from None
    dataset = datasets_for_staff(scope).filter(uuid=key).first()
    if dataset is None:
        raise Http404
    return dataset
