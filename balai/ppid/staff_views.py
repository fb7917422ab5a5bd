"""Staff PPID pages: the inbox, a request with the actions the table allows, desk entry, the ID scan, the DIP."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from balai.core.access import StaffScope, staff_view
from balai.core.models import Unit, UnitKind

from . import documents, rules, selectors, services
from .forms import (
    AttachForm,
    DipForm,
    DisputeForm,
    ForwardForm,
    NoticeForm,
    ObjectionAnswerForm,
    PublicationForm,
    ReasonForm,
    RequestForm,
)
from .models import Channel, DipEntry

ppid_staff_required = staff_view(lambda request, scope: selectors.handles_ppid(scope))


def _scope(request: HttpRequest) -> StaffScope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


@require_safe
@ppid_staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    view = request.GET.get("tampilan", "open")
    if view not in ("open", "overdue", "objection", "done", "all"):
        view = "open"
    filters = selectors.InboxFilters(q=request.GET.get("q", "").strip()[:100], view=view)
    now = timezone.now()
    page = Paginator(selectors.staff_inbox(scope, filters, now), 25).get_page(request.GET.get("halaman"))
    return render(request, "ppid/staff/inbox.html", {"page": page, "filters": filters, "now": now,
                                                     "utama": selectors.is_utama(scope)})  # fmt: skip


def _forms(item: Any, data: Any = None, files: Any = None, action: str = "") -> dict[str, Any]:
    """Every action's form; only the one that was sent is bound (with what was typed)."""
    initial = {"version": item.version}

    def given(name: str) -> Any:
        return data if action == name else None

    return {
        "forward": ForwardForm(given("forward"), prefix="forward", initial=initial),
        "return": ReasonForm(given("return"), prefix="return", initial=initial),
        "extend": ReasonForm(given("extend"), prefix="extend", initial=initial),
        "notice": NoticeForm(given("notice"), prefix="notice", initial=initial),
        "attach": AttachForm(given("attach"), files if action == "attach" else None, prefix="attach"),
        "publication": PublicationForm(
            given("publication"), prefix="publication", initial={**initial, "withheld": item.withheld}
        ),
        "objection_answer": ObjectionAnswerForm(given("objection_answer"), prefix="objection_answer", initial=initial),
        "dispute": DisputeForm(given("dispute"), prefix="dispute"),
    }


def _run(action: str, form: Any, actor: Any, item: Any) -> None:
    d = form.cleaned_data
    version = d.get("version")
    if action == "forward":
        services.request_forward(actor=actor, request=item, unit=d["unit"], note=d["note"], version=version)
    elif action == "return":
        services.request_return(actor=actor, request=item, reason=d["reason"], version=version)
    elif action == "extend":
        services.request_extend(actor=actor, request=item, reason=d["reason"], version=version)
    elif action == "notice":
        notice = services.NoticeInput(**{k: d[k] for k in ("decision", "answer", "medium", "cost", "redactions",
                                                            "exemption", "consequence_test", "held_by", "signer")})  # fmt: skip
        problems = services.notice_problems(notice)
        if problems:
            for name, message in problems.items():
                form.add_error(name, message)
            raise services.ActionError(_("The notice is not complete; see the marked fields."))
        services.request_notice(actor=actor, request=item, notice=notice, version=version)
    elif action == "attach":
        services.request_attach(actor=actor, request=item, title=d["title"], upload=d["file"])
    elif action == "publication":
        services.request_publication(actor=actor, request=item, withheld=d["withheld"], version=version)
    elif action == "objection_answer":
        services.objection_answer(actor=actor, request=item, outcome=d["outcome"], answer=d["answer"], version=version)
    elif action == "dispute":
        services.objection_dispute(actor=actor, request=item, filed_on=d["filed_on"], note=d["note"])


@require_http_methods(["GET", "HEAD", "POST"])
@ppid_staff_required
def request_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = _scope(request)
    item = selectors.access_request(scope, code)
    allowed = rules.staff_actions(scope, item)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = _forms(item, request.POST, request.FILES, action)
    status = 200
    if action:
        if action not in rules.RULES or not rules.RULES[action].staff_button:
            raise Http404
        form = forms_[action]
        if form.is_valid():
            try:
                _run(action, form, request.user, item)
            except services.ActionError as exc:
                messages.error(request, exc.message)
            except Exception as exc:
                from django.core.exceptions import ValidationError

                if not isinstance(exc, ValidationError):
                    raise
                form.add_error(None, exc)
            else:
                messages.success(request, _("Done."))
                return redirect("ppid:staff_request", code=code)
        status = 400
    calendar = services.work_calendar()
    context = {
        "item": item, "allowed": allowed, "forms": forms_, "events": item.events.all(),
        "documents": item.documents.all(), "objection": getattr(item, "objection", None),
        "objection_until": services.objection_deadline(item, calendar), "now": timezone.now(),
        "active": action,
    }  # fmt: skip
    return render(request, "ppid/staff/request.html", context, status=status)


@require_safe
@ppid_staff_required
def identity_file(request: HttpRequest, code: str, what: str) -> FileResponse:
    """The ID scan or power of attorney: each opening is written to the audit trail."""
    item = selectors.access_request(_scope(request), code)
    field = {"ktp": item.identity_scan, "kuasa": item.power_of_attorney}.get(what)
    if not field:
        raise Http404
    try:
        services.identity_view(actor=request.user, request=item, what=what, ip=request.META.get("REMOTE_ADDR"))
    except services.ActionError as exc:
        raise PermissionDenied(exc.message) from exc
    response = FileResponse(field.open("rb"), as_attachment=False, filename=f"{what}-{item.code}")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@ppid_staff_required
def notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.access_request(_scope(request), code)
    if item.notice_at is None:
        raise Http404
    response = HttpResponse(documents.notice_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pemberitahuan-{item.code}.pdf"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@ppid_staff_required
def desk_entry(request: HttpRequest) -> HttpResponse:
    """The officer enters a request brought to the desk (or by phone, by letter) on the requester's behalf."""
    if not selectors.is_utama(_scope(request)):
        raise PermissionDenied
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_submit(data=form.to_input("id"), channel=Channel.DESK, actor=request.user)
        except services.ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Request %(number)s registered. Tracking code: %(code)s.")
                             % {"number": created.register_number, "code": created.code})  # fmt: skip
            return redirect("ppid:staff_request", code=created.code)
    return render(request, "ppid/staff/desk.html", {"form": form}, status=400 if form.errors else 200)


from_report_allowed = staff_view(lambda request, scope: selectors.handles_ppid(scope) or scope.coordinator)


@require_http_methods(["GET", "HEAD", "POST"])
@from_report_allowed
def from_report(request: HttpRequest) -> HttpResponse:
    """The coordinator turns a citizen report of the kind "permintaan informasi" into a PPID request."""
    from balai.lapor.selectors import report_by_code_for_tracking as report_by_code

    code = (request.POST.get("kode") or request.GET.get("kode") or "").strip().upper()
    error = ""
    if request.method == "POST":
        report = report_by_code(code) if code else None
        if report is None:
            error = _("No citizen report has this code.")
        else:
            try:
                created = services.request_from_report(actor=request.user, report=report)
            except services.ActionError as exc:
                error = exc.message
            else:
                messages.success(request, _("Report %(report)s is now information request %(number)s.")
                                 % {"report": report.code, "number": created.register_number})  # fmt: skip
                return redirect("ppid:staff_request", code=created.code)
    return render(request, "ppid/staff/from_report.html", {"code": code, "error": error},
                  status=400 if error else 200)  # fmt: skip


def _dip_units(scope: StaffScope) -> Any:
    units = Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("name")
    if selectors.is_utama(scope):
        return units
    return units.filter(pk__in=scope.units_with(rules.MODULE, rules.PELAKSANA))


@require_safe
@ppid_staff_required
def dip_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    entries = DipEntry.objects.select_related("unit").order_by("unit__name", "title")
    if not selectors.is_utama(scope):
        entries = entries.filter(unit_id__in=scope.units_with(rules.MODULE, rules.PELAKSANA))
    return render(request, "ppid/staff/dip_list.html", {"entries": entries})


@require_http_methods(["GET", "HEAD", "POST"])
@ppid_staff_required
def dip_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = _scope(request)
    units = _dip_units(scope)
    entry = None
    if pk is not None:
        entry = get_object_or_404(DipEntry, pk=pk)
        if not selectors.is_utama(scope) and entry.unit_id not in units.values_list("pk", flat=True):
            raise Http404
    form = DipForm(request.POST or None, instance=entry, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.dip_save(actor=request.user, entry=form.save(commit=False))
        except services.ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("ppid:staff_dip")
    return render(request, "ppid/staff/dip_edit.html", {"form": form, "entry": entry},
                  status=400 if form.errors else 200)  # fmt: skip
