"""A CKAN-compatible Action API (read-only), so that CKAN portals and their harvesters read Balai unchanged.

Served at `/api/3/action/<name>` and `/api/action/<name>`, by GET (query string) and POST (a JSON body or a
form), answered in CKAN's envelope (`help`, `success`, `result` or `error` with `__type` and `message`) with
CKAN's field names and types. Only published datasets exist here. Each request is bounded (`rows` at most 1000)
and counted against the public read limit per address, as Open311 is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from balai.core.models import Unit
from balai.core.selectors import pemda_current

from . import search
from .models import LICENSE_URLS, Dataset, Group, License, Resource, Tag
from .selectors import org_id, published, tag_id, with_details

CKAN_VERSION = "2.10.4"
MAX_ROWS = 1000
DEFAULT_ROWS = 10
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")


class ActionError(Exception):
    def __init__(self, status: int, kind: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.extra = status, kind, message, extra


def not_found(what: str = "Not found") -> ActionError:
    return ActionError(404, "Not Found Error", what)


def validation(field: str, message: str) -> ActionError:
    return ActionError(409, "Validation Error", message, **{field: [message]})


# --- CKAN's dictionaries ----------------------------------------------------------------------------------------


def ckan_time(value: datetime | None) -> str | None:
    """CKAN writes times in UTC without an offset, with microseconds."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


class Urls:
    """Absolute addresses, as the request reached us."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __call__(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


def organization_dict(unit: Unit, *, package_count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": org_id(unit.pk),
        "name": unit.slug,
        "title": unit.name,
        "display_name": unit.name,
        "description": "",
        "image_url": "",
        "created": ckan_time(unit.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "type": "organization",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(group: Group, *, package_count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": str(group.uuid),
        "name": group.name,
        "title": group.title,
        "display_name": group.title,
        "description": group.description,
        "image_display_url": "",
        "created": ckan_time(group.created_at),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "type": "group",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def resource_dict(resource: Resource, dataset: Dataset, url: Urls) -> dict[str, Any]:
    return {
        "id": str(resource.uuid),
        "package_id": str(dataset.uuid),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "mimetype": {"CSV": "text/csv", "JSON": "application/json"}.get(
            resource.format, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        "url": url(reverse("data:download", args=[resource.uuid])),
        "url_type": None,
        "size": resource.size,
        "hash": "",
        "created": ckan_time(resource.created_at),
        "last_modified": ckan_time(resource.last_modified),
        "metadata_modified": ckan_time(resource.updated_at),
        "position": resource.position,
        "state": "active",
        "datastore_active": False,
        "download_count": resource.download_count,
        "row_count": resource.row_count,
        "data_dictionary": resource.dictionary,
    }


def package_dict(dataset: Dataset, url: Urls) -> dict[str, Any]:
    tags = list(dataset.tags.all())
    resources = list(dataset.resources.all())
    extras = [
        ("frequency", dataset.frequency),
        ("walidata", dataset.steward),
        ("produsen_data", dataset.unit.name),
        ("spatial_text", dataset.spatial),
        ("temporal_start", dataset.temporal_start.isoformat() if dataset.temporal_start else ""),
        ("temporal_end", dataset.temporal_end.isoformat() if dataset.temporal_end else ""),
        ("generated_by_balai", "true" if dataset.is_generated else "false"),
    ]
    return {
        "id": str(dataset.uuid),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": "active",
        "private": False,
        "author": dataset.unit.name,
        "author_email": None,
        "maintainer": dataset.steward,
        "maintainer_email": None,
        "license_id": dataset.license_id,
        "license_title": str(License(dataset.license_id).label) if dataset.license_id in License.values else "",
        "license_url": LICENSE_URLS.get(dataset.license_id, ""),
        "isopen": True,
        "url": url(reverse("data:dataset", args=[dataset.name])),
        "version": None,
        "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(dataset.metadata_modified),
        "creator_user_id": None,
        "owner_org": org_id(dataset.unit_id),
        "organization": organization_dict(dataset.unit),
        "groups": [group_dict(g) for g in dataset.groups.all()],
        "tags": [
            {"id": tag_id(t.name), "name": t.name, "display_name": t.name, "state": "active", "vocabulary_id": None}
            for t in tags
        ],
        "num_tags": len(tags),
        "extras": [{"key": k, "value": v} for k, v in extras if v],
        "resources": [resource_dict(r, dataset, url) for r in resources],
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


# --- package_search's query language ---------------------------------------------------------------------------

FQ_TERM = re.compile(r'(?P<sign>[+-]?)(?P<field>[A-Za-z_]+):(?P<value>"[^"]*"|\[[^\]]*\]|\{[^}]*\}|[^\s()]+)')
SORTS = {
    "id": "uuid",
    "name": "name",
    "title": "title",
    "title_string": "title",
    "metadata_modified": "metadata_modified",
    "metadata_created": "created_at",
}


def _moment(text: str, field: str) -> datetime | None:
    text = text.strip()
    if text in ("*", ""):
        return None
    if text.upper().startswith("NOW"):
        return datetime.now(UTC)
    bad = ActionError(409, "Search Query Error", f"Search Query is invalid: bad date in {field}: {text[:40]!r}")
    try:
        value = parse_datetime(text.replace("Z", "+00:00"))
        day = parse_date(text) if value is None else None
    except ValueError:  # well-formed but impossible, as 2025-13-45
        raise bad from None
    if value is None:
        if day is None:
            raise bad
        value = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - made aware just below
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _range(field: str, column: str, value: str) -> Q:
    inner = value[1:-1]
    low, sep, high = inner.partition(" TO ")
    if not sep:
        raise ActionError(409, "Search Query Error", f"Search Query is invalid: {field}:{value}")
    start, end = _moment(low, field), _moment(high, field)
    q = Q()
    if start is not None:
        q &= Q(**{f"{column}__gte" if value[0] == "[" else f"{column}__gt": start})
    if end is not None:
        q &= Q(**{f"{column}__lte" if value[-1] == "]" else f"{column}__lt": end})
    return q


def _term(field: str, value: str) -> Q:
    if value.startswith(("[", "{")):
        if field not in ("metadata_modified", "metadata_created"):
            raise ActionError(409, "Search Query Error", f"Search Query is invalid: no range on {field}")
        return _range(field, SORTS[field], value)
    value = value.strip('"')
    through_tags, through_groups = Dataset.tags.through.objects, Dataset.groups.through.objects
    if field == "organization":
        return Q(unit_id__in=Unit.objects.filter(slug=value).values("pk"))
    if field == "owner_org":
        return Q(unit__slug=value) | Q(
            unit_id__in=[u for u in Unit.objects.values_list("pk", flat=True) if org_id(u) == value]
        )
    if field == "groups":
        return Q(Exists(through_groups.filter(dataset=OuterRef("pk"), group__name=value)))
    if field == "tags":
        return Q(Exists(through_tags.filter(dataset=OuterRef("pk"), tag__name=value)))
    if field == "res_format":
        return Q(Exists(Resource.objects.filter(dataset=OuterRef("pk"), format=value.upper())))
    if field == "name":
        return Q(name=value)
    if field == "id":
        return Q(uuid=value) if re.fullmatch(r"[0-9a-fA-F-]{32,36}", value) else Q(pk__in=[])
    if field == "license_id":
        return Q(license_id=value)
    if field in ("dataset_type", "type"):
        return Q() if value == "dataset" else Q(pk__in=[])
    if field in ("state", "capacity"):
        return Q()
    raise ActionError(409, "Search Query Error", f"Search Query is invalid: unknown field {field!r}")


def apply_fq(qs: QuerySet[Dataset], fq: str) -> QuerySet[Dataset]:
    for match in FQ_TERM.finditer(fq or ""):
        q = _term(match["field"], match["value"])
        qs = qs.exclude(q) if match["sign"] == "-" else qs.filter(q)
    leftover = FQ_TERM.sub("", fq or "").replace("AND", "").strip(" +()")
    if leftover:
        raise ActionError(409, "Search Query Error", f"Search Query is invalid: {leftover[:80]!r}")
    return qs


def apply_q(qs: QuerySet[Dataset], q: str) -> tuple[QuerySet[Dataset], str, bool]:
    """`q` split into its fielded terms (applied as `fq` is) and its words; and whether fielded terms narrowed."""
    q = (q or "").strip()
    if len(q) > search.MAX_QUERY_LENGTH:
        raise ActionError(
            409,
            "Search Query Error",
            f"Search Query is invalid: q is longer than {search.MAX_QUERY_LENGTH} characters",
        )
    if q in ("", "*:*", "*"):
        return qs, "", False
    fielded = [m for m in FQ_TERM.finditer(q)]
    if fielded:
        qs = apply_fq(qs, " ".join(m.group(0) for m in fielded))
        q = FQ_TERM.sub("", q)
    return qs, q, bool(fielded)


def order_of(sort: str, *, scored: bool = False) -> list[str]:
    """The ORDER BY of a CKAN `sort`; `score` is the search's relevance when words were searched."""
    order: list[str] = []
    for part in (sort or "score desc, metadata_modified desc").split(","):
        words = part.split()
        if not words:
            continue
        field, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if field == "score":
            if scored:
                order.append("title_hit" if direction == "asc" else "-title_hit")
            continue
        if field not in SORTS or direction not in ("asc", "desc"):
            raise ActionError(409, "Search Query Error", f"Search Query is invalid: cannot sort by {part.strip()!r}")
        order.append(("-" if direction == "desc" else "") + SORTS[field])
    if not [o for o in order if not o.endswith("title_hit")]:
        order.append("-metadata_modified")
    last = order[-1]
    order.append("-pk" if last.startswith("-") else "pk")
    return order


def _int(params: dict[str, Any], name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise validation(name, "Invalid integer") from None
    if value < low:
        raise validation(name, f"Must be a natural number ({low} or more)")
    return min(value, high) if high is not None else value


def _fields(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [str(f) for f in raw]
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        raise validation("facet.field", "Must be a JSON list") from None
    if not isinstance(value, list):
        raise validation("facet.field", "Must be a JSON list")
    return [str(f) for f in value]


def facets_of(qs: QuerySet[Dataset], fields: list[str], limit: int, mincount: int) -> dict[str, dict[str, Any]]:
    ids = qs.order_by().values("pk")
    result: dict[str, dict[str, Any]] = {}
    rows: Any
    for field in fields:
        if field == "organization":
            rows = Dataset.objects.filter(pk__in=ids).values_list("unit__slug", "unit__name").annotate(n=Count("pk"))
        elif field == "groups":
            rows = Group.objects.filter(datasets__in=ids).values_list("name", "title").annotate(n=Count("datasets"))
        elif field == "tags":
            rows = Tag.objects.filter(datasets__in=ids).values_list("name", "name").annotate(n=Count("datasets"))
        elif field == "res_format":
            rows = (
                Resource.objects.filter(dataset__in=ids)
                .values_list("format", "format")
                .annotate(n=Count("dataset", distinct=True))
            )
        elif field == "license_id":
            rows = Dataset.objects.filter(pk__in=ids).values_list("license_id", "license_id").annotate(n=Count("pk"))
        else:
            raise ActionError(409, "Search Query Error", f"Search Query is invalid: cannot facet on {field!r}")
        items = sorted(
            ({"name": n, "display_name": str(d), "count": c} for n, d, c in rows.order_by() if c >= mincount),
            key=lambda i: (-i["count"], i["name"]),
        )
        result[field] = {"title": field, "items": items[:limit] if limit >= 0 else items}
    return result


# --- the actions ------------------------------------------------------------------------------------------------


def status_show(params: dict[str, Any], url: Urls) -> Any:
    pemda = pemda_current()
    return {
        "site_title": f"Data {pemda.short_name}" if pemda else "Balai",
        "site_url": url("/"),
        "site_description": "Balai open data (Satu Data Indonesia)",
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["balai"],
        "ckan_version": CKAN_VERSION,
    }


def package_list(params: dict[str, Any], url: Urls) -> Any:
    names = published().order_by("name").values_list("name", flat=True)
    offset = _int(params, "offset", 0)
    if "limit" in params:
        return list(names[offset : offset + _int(params, "limit", MAX_ROWS, low=1)])
    return list(names[offset:])


def package_search(params: dict[str, Any], url: Urls) -> Any:
    rows = _int(params, "rows", DEFAULT_ROWS, high=MAX_ROWS)
    start = _int(params, "start", 0)
    qs, words, narrowed = apply_q(published(), str(params.get("q", "")))
    fq = params.get("fq", "")
    fq_list = params.get("fq_list") or []
    for filter_text in [str(fq), *[str(f) for f in (fq_list if isinstance(fq_list, list) else [fq_list])]]:
        if filter_text.strip():
            narrowed = True
            qs = apply_fq(qs, filter_text)
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    scored = bool(search.words(words))
    order = order_of(sort, scored=scored)
    fields = _fields(params.get("facet.field"))
    if scored and (fields or not order[0].endswith("title_hit")):
        # Another order than relevance, or facets of the matches: the database joins the index.
        qs, scored = search.matching(qs, words), False
    facets = facets_of(
        qs,
        fields,
        _int(params, "facet.limit", 50, low=-1),
        _int(params, "facet.mincount", 1),
    )
    if scored:
        found = search.results(qs, words, narrowed=narrowed)
        count = found.count()
        page = _in_order(found[start : start + rows] if rows else [])
    else:
        count = qs.count()
        page = list(with_details(qs.order_by(*order))[start : start + rows]) if rows else []
    return {
        "count": count,
        "sort": sort,
        "results": [package_dict(d, url) for d in page],
        "facets": {f: {i["name"]: i["count"] for i in v["items"]} for f, v in facets.items()},
        "search_facets": facets,
    }


def _in_order(ids: list[int]) -> list[Dataset]:
    found = {d.pk: d for d in with_details(Dataset.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def _by_id_or_name(params: dict[str, Any]) -> str:
    value = str(params.get("id") or params.get("name_or_id") or "").strip()
    if not value:
        raise validation("id", "Missing value")
    return value


def package_show(params: dict[str, Any], url: Urls) -> Any:
    value = _by_id_or_name(params)
    qs = published().filter(name=value)
    if re.fullmatch(r"[0-9a-fA-F-]{32,36}", value):
        qs = published().filter(Q(name=value) | Q(uuid=value))
    dataset = with_details(qs).first()
    if dataset is None:
        raise not_found()
    return package_dict(dataset, url)


def _list(params: dict[str, Any], items: list[Any], as_dict: Callable[[Any], dict[str, Any]]) -> Any:
    all_fields = str(params.get("all_fields", "false")).lower() in ("true", "1")
    sort = str(params.get("sort") or "name asc")
    reverse_order = sort.split()[-1].lower() == "desc"
    if sort.startswith("package_count"):
        items.sort(key=lambda i: i.package_count, reverse=not reverse_order)
    elif reverse_order:
        items.reverse()
    offset = _int(params, "offset", 0)
    limit = _int(params, "limit", MAX_ROWS, low=1, high=MAX_ROWS)
    items = items[offset : offset + limit]
    return [as_dict(i) if all_fields else i.slug if isinstance(i, Unit) else i.name for i in items]


def organization_list(params: dict[str, Any], url: Urls) -> Any:
    units = list(
        Unit.objects.filter(datasets__state="published").annotate(package_count=Count("datasets")).order_by("slug")
    )
    return _list(params, units, lambda u: organization_dict(u, package_count=u.package_count))


def _owner(model: Any, params: dict[str, Any]) -> Any:
    value = _by_id_or_name(params)
    if model is Unit:
        found = Unit.objects.filter(slug=value).first() or next(
            (u for u in Unit.objects.filter(datasets__state="published").distinct() if org_id(u.pk) == value), None
        )
    else:
        found = model.objects.filter(name=value).first()
        if found is None and re.fullmatch(r"[0-9a-fA-F-]{32,36}", value):
            found = model.objects.filter(uuid=value).first()
    if found is None:
        raise not_found()
    return found


def _with_packages(result: dict[str, Any], qs: QuerySet[Dataset], params: dict[str, Any], url: Urls) -> Any:
    if str(params.get("include_datasets", "false")).lower() in ("true", "1"):
        result["packages"] = [package_dict(d, url) for d in with_details(qs.order_by("name"))[:DEFAULT_ROWS]]
    return result


def organization_show(params: dict[str, Any], url: Urls) -> Any:
    unit = _owner(Unit, params)
    qs = published().filter(unit=unit)
    return _with_packages(organization_dict(unit, package_count=qs.count()), qs, params, url)


def group_list(params: dict[str, Any], url: Urls) -> Any:
    groups = list(Group.objects.annotate(package_count=Count("datasets", filter=Q(datasets__state="published"))))
    return _list(params, groups, lambda g: group_dict(g, package_count=g.package_count))


def group_show(params: dict[str, Any], url: Urls) -> Any:
    group = _owner(Group, params)
    qs = published().filter(groups=group)
    return _with_packages(group_dict(group, package_count=qs.count()), qs, params, url)


def tag_list(params: dict[str, Any], url: Urls) -> Any:
    tags = Tag.objects.filter(datasets__state="published").distinct().order_by("name")
    if params.get("query"):
        tags = tags.filter(name__icontains=str(params["query"])[:80])
    if str(params.get("all_fields", "false")).lower() in ("true", "1"):
        return [{"id": tag_id(t.name), "name": t.name, "display_name": t.name, "vocabulary_id": None} for t in tags]
    return [t.name for t in tags]


def resource_show(params: dict[str, Any], url: Urls) -> Any:
    value = _by_id_or_name(params)
    if not re.fullmatch(r"[0-9a-fA-F-]{32,36}", value):
        raise not_found()
    resource = Resource.objects.select_related("dataset").filter(uuid=value, dataset__state="published").first()
    if resource is None:
        raise not_found()
    return resource_dict(resource, resource.dataset, url)


def help_show(params: dict[str, Any], url: Urls) -> Any:
    handler = ACTIONS.get(str(params.get("name", "")))
    if handler is None:
        raise not_found()
    return (handler.__doc__ or "").strip() or f"CKAN action {handler.__name__} (read-only), served by Balai."


ACTIONS: dict[str, Callable[[dict[str, Any], Urls], Any]] = {
    f.__name__: f
    for f in (
        status_show, package_list, package_search, package_show, organization_list, organization_show,
        group_list, group_show, tag_list, resource_show, help_show,
    )
}  # fmt: skip


def _params(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = {k: request.GET.get(k) for k in request.GET}
    if request.method == "POST":
        if request.content_type == "application/json" or request.body[:1] == b"{":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise ActionError(
                    400, "Validation Error", "Bad request - JSON Error: could not read the body"
                ) from None
            if not isinstance(body, dict):
                raise ActionError(400, "Validation Error", "Bad request - JSON Error: the body must be an object")
            params.update(body)
        else:
            params.update({k: request.POST.get(k) for k in request.POST})
    return params


def _limited(request: HttpRequest) -> ActionError | None:
    rate = getattr(settings, "OPEN311_RATELIMIT_PUBLIC", "120/m")
    usage = get_usage(request, group="data.ckan", key="ip", rate=rate, increment=True)
    if usage is not None and usage["count"] > usage["limit"]:
        return ActionError(
            429, "Rate Limit Error", "Too many requests; try again later.", retry_after=usage["time_left"]
        )
    return None


@csrf_exempt
def action(request: HttpRequest, name: str) -> JsonResponse:
    url = Urls(request)
    help_url = url(reverse("data:ckan_action", args=["help_show"])) + f"?name={name}"
    try:
        if request.method not in ("GET", "POST"):
            raise ActionError(405, "Validation Error", "Method not allowed: use GET or POST")
        handler = ACTIONS.get(name)
        if handler is None:
            raise ActionError(400, "Validation Error", f"Bad request - Action name not known: {name[:60]}")
        limited = _limited(request)
        if limited is not None:
            raise limited
        result = handler(_params(request), url)
    except ActionError as exc:
        error = {"__type": exc.kind, "message": exc.message}
        error.update({k: v for k, v in exc.extra.items() if k != "retry_after"})
        response = JsonResponse({"help": help_url, "success": False, "error": error}, status=exc.status)
        if "retry_after" in exc.extra:
            response["Retry-After"] = str(max(int(exc.extra["retry_after"]), 1))
        return response
    response = JsonResponse(
        {"help": help_url, "success": True, "result": result}, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
