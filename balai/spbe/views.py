"""The SPBE staff screens: overview of a year, an indicator, what would raise the index, year on year, the framework
(the admin's), and the dossier exports. Every write goes through balai.spbe.services; every button asks rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from balai.core.access import StaffRequest, StaffScope, staff_view

from . import exports, forms, rules, selectors, services
from .models import EvidenceItem, Framework, Indicator, Status
from .scoring import PREDICATES

RAISE_FIRST = 15  # the raise list shows this many first (a phone's screenful or two), then all on request

spbe_staff = staff_view(lambda request, scope: rules.admitted(scope))
spbe_readers = staff_view(lambda request, scope: rules.reads_all(scope))
spbe_admin = staff_view(lambda request, scope: scope.admin)


def _framework(year: int) -> Framework:
    framework = selectors.framework_of(year)
    if framework is None:
        raise Http404
    return framework


@require_safe
@spbe_staff
def home(request: StaffRequest) -> HttpResponse:
    framework = selectors.framework_latest()
    if framework is not None:
        return redirect("spbe:overview", year=framework.year)
    return render(
        request, "spbe/empty.html", {"new_year": forms.NewYearForm(initial={"year": timezone.localdate().year})}
    )


@require_safe
@spbe_staff
def overview(request: StaffRequest, year: int) -> HttpResponse:
    scope = request.scope
    framework = _framework(year)
    view = selectors.overview(framework)
    status = request.GET.get("status", "")
    mine = request.GET.get("saya") == "1" or not rules.reads_all(scope)
    rows = view.indicators
    if mine:
        rows = [i for i in rows if i.assessment.officer_id == scope.user_id]
    if status in Status.values:
        rows = [i for i in rows if i.assessment.status == status]
    return render(
        request,
        "spbe/overview.html",
        {
            "framework": framework,
            "view": view,
            "rows": rows,
            "predicate_label": PREDICATES.get(view.predicate, ""),
            "predicates": PREDICATES,
            "years": selectors.frameworks(),
            "status": status,
            "mine": mine,
            "statuses": Status.choices,
            "reads_all": rules.reads_all(scope),
            "is_admin": scope.admin,
        },
    )


ACTION_FORMS: dict[str, type[forms.SpbeForm]] = {
    "save": forms.AssessmentForm,
    "add_evidence": forms.EvidenceForm,
    "remove_evidence": forms.RemoveEvidenceForm,
    "submit": forms.SubmitForm,
    "review": forms.ReviewForm,
    "return": forms.ReturnForm,
    "assign": forms.AssignForm,
    "comment": forms.CommentForm,
}


def _indicator(scope: StaffScope, year: int, number: int) -> Indicator:
    indicator = selectors.indicator_get(scope, year, number)
    if indicator is None:
        raise Http404
    return indicator


def _render_indicator(
    request: StaffRequest, indicator: Indicator, bound: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    scope = request.scope
    assessment = selectors.assessment_detail(indicator)
    version = {"version": assessment.version}
    forms_by_action: dict[str, Any] = {
        "save": forms.AssessmentForm(
            prefix="save", initial={**version, "level": assessment.level, "justification": assessment.justification}
        ),
        "add_evidence": forms.EvidenceForm(prefix="add_evidence", initial=version),
        "submit": forms.SubmitForm(prefix="submit", initial=version),
        "review": forms.ReviewForm(prefix="review", initial=version),
        "return": forms.ReturnForm(prefix="return", initial=version),
        "assign": forms.AssignForm(prefix="assign", initial={**version, "officer": assessment.officer_id}),
        "comment": forms.CommentForm(prefix="comment"),
    }
    if bound is not None and bound[0] in forms_by_action:
        forms_by_action[bound[0]] = bound[1]
    allowed = {name for name in rules.RULES if rules.staff_refusal(name, scope, assessment) is None}
    now = timezone.now()
    automatic = selectors.automatic_evidence(now).get(indicator.number, [])
    return render(
        request,
        "spbe/indicator.html",
        {
            "indicator": indicator,
            "framework": indicator.framework,
            "assessment": assessment,
            "forms": forms_by_action,
            "allowed": allowed,
            "buttons": rules.staff_actions(scope, assessment),
            "automatic": automatic,
            "history": selectors.history(assessment),
            "remove_version": assessment.version,
            "bound_action": bound[0] if bound else "",
            "bound_form": bound[1] if bound else None,
        },
        status=status,
    )


@require_safe
@spbe_staff
def indicator(request: StaffRequest, year: int, number: int) -> HttpResponse:
    return _render_indicator(request, _indicator(request.scope, year, number))


def _perform(action: str, indicator: Indicator, data: dict[str, Any], request: StaffRequest) -> str:
    common: dict[str, Any] = {"actor": request.user, "assessment": indicator.assessment, "scope": request.scope}
    version = data.get("version")
    if action == "save":
        services.assessment_save(**common, version=version, level=data["level"], justification=data["justification"])
        return _("Saved as a draft.")
    if action == "add_evidence":
        services.evidence_add(**common, version=version, title=data["title"], url=data["url"], upload=data["file"])
        return _("Evidence added.")
    if action == "remove_evidence":
        item = EvidenceItem.objects.filter(public_id=data["item"], assessment=indicator.assessment).first()
        if item is None:
            raise services.ActionError(_("This evidence was removed already."))
        services.evidence_remove(actor=request.user, item=item, version=version, scope=request.scope)
        return _("Evidence removed.")
    if action == "submit":
        services.assessment_submit(**common, version=version)
        return _("Submitted to the SPBE coordinator for review.")
    if action == "review":
        services.assessment_review(**common, version=version, note=data["note"])
        return _("Reviewed: the level now counts in the index.")
    if action == "return":
        services.assessment_return(**common, version=version, note=data["note"])
        return _("Returned to the officer.")
    if action == "assign":
        services.assessment_assign(**common, version=version, officer=data["officer"])
        return _("Officer responsible saved.")
    if action == "comment":
        services.comment_add(**common, text=data["text"])
        return _("Comment added.")
    raise Http404


@require_POST
@spbe_staff
def indicator_action(request: StaffRequest, year: int, number: int, action: str) -> HttpResponse:
    found = _indicator(request.scope, year, number)
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](request.POST, request.FILES, prefix=action)
    refusal = rules.staff_refusal(action, request.scope, found.assessment)
    if refusal:
        form.is_valid()
        form.add_error(None, refusal)
        return _render_indicator(request, found, bound=(action, form), status=409)
    if not form.is_valid():
        return _render_indicator(request, found, bound=(action, form), status=400)
    try:
        message = _perform(action, found, form.cleaned_data, request)
    except services.ActionError as exc:
        form.add_error(None, exc.message)
        found.assessment.refresh_from_db()
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(found.assessment.version)
        form.data = data
        return _render_indicator(request, found, bound=(action, form), status=409)
    messages.success(request, message)
    return redirect(reverse("spbe:indicator", args=[year, number]) + "#main")


@require_safe
@spbe_staff
def evidence_file(request: StaffRequest, public_id: UUID) -> FileResponse:
    item = selectors.evidence_item_get(request.scope, public_id)
    if item is None or not item.file:
        raise Http404
    content_type = "application/pdf" if item.file.name.endswith(".pdf") else "image/jpeg"
    response = FileResponse(
        item.file.open("rb"),
        content_type=content_type,
        filename=item.original_name or item.file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@spbe_readers
def raise_index(request: StaffRequest, year: int) -> HttpResponse:
    framework = _framework(year)
    everything = request.GET.get("semua") == "1"
    rows = selectors.raise_list(framework, None if everything else RAISE_FIRST)
    return render(request, "spbe/raise.html", {"framework": framework, "rows": rows, "everything": everything,
                                               "first": RAISE_FIRST})  # fmt: skip


@require_safe
@spbe_readers
def year_on_year(request: StaffRequest) -> HttpResponse:
    return render(request, "spbe/years.html", {"yoy": selectors.year_on_year(), "predicates": PREDICATES})


@require_http_methods(["GET", "HEAD", "POST"])
@spbe_readers
def framework_page(request: StaffRequest, year: int) -> HttpResponse:
    framework = _framework(year)
    bands = forms.BandsForm(initial={"version": framework.version, "band_memuaskan": framework.band_memuaskan,
                                     "band_sangat_baik": framework.band_sangat_baik, "band_baik": framework.band_baik,
                                     "band_cukup": framework.band_cukup}, prefix="bands")  # fmt: skip
    confirm = forms.ConfirmWeightsForm(initial={"version": framework.version}, prefix="confirm")
    status = 200
    if request.method == "POST":
        if not request.scope.admin:
            raise PermissionDenied
        which = request.POST.get("form", "")
        try:
            if which == "bands":
                bands = forms.BandsForm(request.POST, prefix="bands")
                if bands.is_valid():
                    services.framework_bands_update(actor=request.user, framework=framework,
                                                    version=bands.cleaned_data["version"], bands=bands.cleaned_data,
                                                    scope=request.scope)  # fmt: skip
                    messages.success(request, _("Predicate bands saved."))
                    return redirect("spbe:framework", year=year)
            elif which == "confirm":
                confirm = forms.ConfirmWeightsForm(request.POST, prefix="confirm")
                if confirm.is_valid():
                    services.framework_confirm_weights(actor=request.user, framework=framework,
                                                       version=confirm.cleaned_data["version"], scope=request.scope)  # fmt: skip
                    messages.success(request, _("The weights are confirmed against the regulation's annex."))
                    return redirect("spbe:framework", year=year)
            else:
                raise Http404
        except services.ActionError as exc:
            (bands if which == "bands" else confirm).add_error(None, exc.message)
        status = 400
    indicators = selectors.indicators_of(framework)
    total = sum((i.weight for i in indicators), Decimal(0))
    return render(
        request,
        "spbe/framework.html",
        {"framework": framework, "indicators": indicators, "bands": bands, "confirm": confirm, "total": total,
         "unconfirmed": [i for i in indicators if not i.confirmed_by_admin], "is_admin": request.scope.admin,
         "new_year": forms.NewYearForm(initial={"year": framework.year + 1})},
        status=status,
    )  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
@spbe_admin
def framework_indicator(request: StaffRequest, year: int, number: int) -> HttpResponse:
    framework = _framework(year)
    found = Indicator.objects.filter(framework=framework, number=number).select_related("aspect").first()
    if found is None:
        raise Http404
    if request.method == "POST":
        form = forms.IndicatorForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.indicator_update(actor=request.user, indicator=found, version=version, changes=data,
                                          scope=request.scope)  # fmt: skip
            except services.ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Indicator %(number)d saved.") % {"number": number})
                return redirect(reverse("spbe:framework", args=[year]) + f"#indikator-{number}")
        return render(request, "spbe/framework_indicator.html",
                      {"framework": framework, "indicator": found, "form": form}, status=400)  # fmt: skip
    initial = {name: getattr(found, name) for name in forms.IndicatorForm.base_fields if name != "version"}
    form = forms.IndicatorForm(initial={**initial, "version": found.version})
    return render(request, "spbe/framework_indicator.html", {"framework": framework, "indicator": found, "form": form})


@require_POST
@spbe_admin
def framework_new_year(request: HttpRequest) -> HttpResponse:
    form = forms.NewYearForm(request.POST)
    if form.is_valid():
        try:
            framework = services.framework_create_year(actor=request.user, year=form.cleaned_data["year"])
        except services.ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The evaluation year %(year)d is ready: check its framework.")
                             % {"year": framework.year})  # fmt: skip
            return redirect("spbe:framework", year=framework.year)
    else:
        messages.error(request, _("Give the evaluation year as four digits, from 2020."))
    latest = selectors.framework_latest()
    return redirect("spbe:framework", year=latest.year) if latest else redirect("spbe:home")


@require_safe
@spbe_readers
def export_pdf(request: StaffRequest, year: int) -> HttpResponse:
    framework = _framework(year)
    content = exports.dossier_pdf(framework, timezone.now())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="spbe-{year}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@spbe_readers
def export_xlsx(request: StaffRequest, year: int) -> HttpResponse:
    framework = _framework(year)
    content = exports.dossier_xlsx(framework, timezone.now())
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="spbe-{year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
