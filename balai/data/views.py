"""Public catalogue pages and the staff screens of the open-data module."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from balai.core.access import StaffRequest, staff_view
from balai.core.models import AuditEvent, Unit, UnitKind

from . import rules, selectors, services
from .dcat import catalogue_jsonld, dataset_jsonld
from .forms import DatasetForm, DecisionForm, ResourceForm
from .models import Dataset, Format, Group, State
from .rules import Action

PAGE_SIZE = 20

data_staff_required = staff_view(lambda request, scope: rules.works_with_data(scope))


# --- public ----------------------------------------------------------------------------------------------------


OPTIONS_KEY = selectors.CATALOGUE_OPTIONS_KEY
OPTIONS_SECONDS = 300


def _filter_options() -> tuple[list[Any], list[Any], list[Any]]:
    """The filters' choices with their counts: a count over every published dataset, so kept five minutes (a
    new dataset's OPD or tag joins the choices within that time)."""
    options = cache.get(OPTIONS_KEY)
    if options is None:
        published = State.PUBLISHED
        organisations = Unit.objects.filter(datasets__state=published).annotate(n=Count("datasets")).order_by("name")
        groups = Group.objects.annotate(n=Count("datasets", filter=Q(datasets__state=published))).filter(n__gt=0)
        tags = (
            selectors.Tag.objects.filter(datasets__state=published).annotate(n=Count("datasets")).order_by("-n", "name")
        )
        options = (
            [{"slug": u.slug, "name": u.name, "n": u.n} for u in organisations],  # type: ignore[attr-defined]
            [{"name": g.name, "title": g.title, "n": g.n} for g in groups],
            [{"name": t.name, "n": t.n} for t in tags[:30]],
        )
        cache.set(OPTIONS_KEY, options, OPTIONS_SECONDS)
    return options


def catalogue(request: HttpRequest) -> HttpResponse:
    filters = selectors.CatalogueFilters(
        q=request.GET.get("q", "").strip()[:200],
        organization=request.GET.get("organisasi", "")[:80],
        group=request.GET.get("grup", "")[:100],
        tag=request.GET.get("tag", "")[:100],
        format=request.GET.get("format", "")[:8],
    )
    qs = selectors.catalogue(filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]  # sliced only
    order = list(page.object_list)
    datasets = sorted(
        selectors.with_details(Dataset.objects.filter(pk__in=order)).annotate(
            downloads=Sum("resources__download_count")
        ),
        key=lambda d: order.index(d.pk),
    )
    organisations, groups, tags = _filter_options()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "data/catalogue.html",
        {
            "filters": filters,
            "page": page,
            "datasets": datasets,
            "organisations": organisations,
            "groups": groups,
            "tags": tags,
            "formats": Format.values,
            "query": query.urlencode(),
            "filtered": any(vars(filters).values()),
        },
    )


def dataset(request: HttpRequest, name: str) -> HttpResponse:
    found = selectors.dataset_public(name)
    resources = list(found.resources.all())
    return render(
        request,
        "data/dataset.html",
        {
            "dataset": found,
            "resources": resources,
            "downloads": sum(r.download_count for r in resources),
            "api_url": reverse("data:ckan_action", args=["package_show"]) + f"?id={found.name}",
        },
    )


def _jsonld(value: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(value, ensure_ascii=False, indent=1), content_type="application/ld+json")


def dataset_dcat(request: HttpRequest, name: str) -> HttpResponse:
    return _jsonld(dataset_jsonld(selectors.dataset_public(name), request.build_absolute_uri))


def catalogue_dcat(request: HttpRequest) -> HttpResponse:
    return _jsonld(catalogue_jsonld(request.build_absolute_uri))


def download(request: HttpRequest, resource_id: str) -> FileResponse:
    resource = selectors.resource_public(resource_id)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.resource_downloaded(resource)
    filename = f"{resource.dataset.name}-{str(resource.uuid)[:8]}.{resource.format.lower()}"
    return FileResponse(handle, as_attachment=True, filename=filename)


# --- staff -----------------------------------------------------------------------------------------------------


def _units_for(request: StaffRequest) -> Any:
    units = Unit.objects.filter(is_active=True).order_by("name")
    if rules.is_walidata(request.scope):
        return units.filter(kind=UnitKind.OPD)
    return units.filter(pk__in=rules.officer_units(request.scope))


@data_staff_required
def staff_list(request: StaffRequest) -> HttpResponse:
    qs = selectors.datasets_for_staff(request.scope)
    state = request.GET.get("status", "")
    if state in State.values:
        qs = qs.filter(state=state)
    kind = request.GET.get("jenis", "")
    if kind == "unggahan":
        qs = qs.filter(generated_key="")
    elif kind == "otomatis":
        qs = qs.exclude(generated_key="")
    page = Paginator(qs.order_by("state", "-metadata_modified", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "data/staff/list.html",
        {
            "page": page,
            "states": State.choices,
            "state": state,
            "kind": kind,
            "walidata": rules.is_walidata(request.scope),
            "may_create": _units_for(request).exists(),
        },
    )


@data_staff_required
def staff_create(request: StaffRequest) -> HttpResponse:
    units = _units_for(request)
    form = DatasetForm(
        request.POST or None,
        units=units,
        initial={"unit": units.first(), "spatial": getattr(request.pemda, "short_name", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.dataset_create(actor=request.user, scope=request.scope, data=form.to_input())
        except services.DataError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dataset saved as a draft. Now upload its file."))
            return redirect("data:staff_dataset", created.uuid)
    return render(request, "data/staff/form.html", {"form": form, "dataset": None})


HISTORY_LABELS = {
    "data.dataset.create": gettext_lazy("created"),
    "data.dataset.update": gettext_lazy("description changed"),
    "data.resource.add": gettext_lazy("file uploaded"),
    "data.dataset.submit": gettext_lazy("sent to the walidata"),
    "data.dataset.publish": gettext_lazy("published"),
    "data.dataset.return": gettext_lazy("returned to the OPD"),
    "data.dataset.unpublish": gettext_lazy("withdrawn from the catalogue"),
    "data.dataset.refresh": gettext_lazy("refreshed by Balai"),
    "data.dataset.remind": gettext_lazy("reminder sent: the data is overdue"),
}


def _history(found: Dataset) -> list[tuple[Any, str, Any, str]]:
    events = AuditEvent.objects.filter(object_type="data.dataset", object_id=str(found.uuid)).order_by("-created_at")
    return [
        (e.created_at, e.actor_label, HISTORY_LABELS.get(e.action, e.action), str(e.changes.get("note", "")))
        for e in events[:30]
    ]


def _detail(request: StaffRequest, found: Dataset, **extra: Any) -> HttpResponse:
    scope = request.scope
    context = {
        "dataset": found,
        "resources": list(found.resources.all()),
        "buttons": rules.buttons(found, scope),
        "may_edit": rules.allowed(Action.EDIT, found, scope),
        "may_upload": rules.allowed(Action.ADD_RESOURCE, found, scope),
        "upload_form": ResourceForm(initial={"version": found.version}),
        "history": _history(found),
        "decision_note": "",
    }
    context.update(extra)
    return render(
        request,
        "data/staff/dataset.html",
        context,
        status=400 if extra.get("error") or extra.get("upload_failed") else 200,
    )


@data_staff_required
def staff_dataset(request: StaffRequest, dataset_id: str) -> HttpResponse:
    return _detail(request, selectors.access_dataset(request.scope, dataset_id))


@data_staff_required
def staff_edit(request: StaffRequest, dataset_id: str) -> HttpResponse:
    found = selectors.access_dataset(request.scope, dataset_id)
    reason = rules.refusal(Action.EDIT, found, request.scope)
    if reason is not None:
        messages.error(request, reason)
        return redirect("data:staff_dataset", found.uuid)
    units = _units_for(request) | Unit.objects.filter(pk=found.unit_id)
    form = DatasetForm(request.POST or None, units=units.distinct(), initial=DatasetForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_update(
                actor=request.user, scope=request.scope, dataset=found, data=form.to_input(),
                version=form.cleaned_data["version"],
            )  # fmt: skip
        except services.DataError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("data:staff_dataset", found.uuid)
    return render(request, "data/staff/form.html", {"form": form, "dataset": found})


@data_staff_required
def staff_upload(request: StaffRequest, dataset_id: str) -> HttpResponse:
    found = selectors.access_dataset(request.scope, dataset_id)
    if request.method != "POST":
        return redirect("data:staff_dataset", found.uuid)
    form = ResourceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.resource_add(
                actor=request.user,
                scope=request.scope,
                dataset=found,
                content=upload.read(),
                filename=upload.name or "",
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                dictionary=form.cleaned_data["dictionary"],
                version=form.cleaned_data["version"],
            )
        except services.DataError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("File uploaded and checked."))
            return redirect("data:staff_dataset", found.uuid)
    return _detail(request, found, upload_form=form, upload_failed=True)


@require_POST
@data_staff_required
def staff_decide(request: StaffRequest, dataset_id: str) -> HttpResponse:
    found = selectors.access_dataset(request.scope, dataset_id)
    form = DecisionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in {a.value for a in rules.STATE_ACTIONS}:
        raise Http404
    action = Action(form.cleaned_data["action"])
    try:
        services.dataset_transition(
            actor=request.user, scope=request.scope, dataset=found, action=action,
            version=form.cleaned_data["version"], note=form.cleaned_data["note"],
        )  # fmt: skip
    except services.DataError as exc:
        return _detail(request, found, error=str(exc), decision_note=form.cleaned_data["note"])
    messages.success(request, {
        Action.SUBMIT: _("Sent to the walidata."),
        Action.PUBLISH: _("Published in the catalogue."),
        Action.RETURN: _("Returned to the OPD with your note."),
        Action.UNPUBLISH: _("Withdrawn from the catalogue."),
    }[action])  # fmt: skip
    return redirect("data:staff_dataset", found.uuid)


def ckan_index(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"version": 3})
