"""The back office: the inbox, a report's page with the actions its state allows, and bulk actions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from balai.core.access import StaffRequest, StaffScope, staff_member_required
from balai.core.middleware import client_address
from balai.core.selectors import work_calendar

from . import rules, selectors, services, staff_forms
from .access import access_report_by_code, may_see_identity, reports_visible_to
from .models import Report, ReportAttachment, Status
from .paging import page_number, slice_page
from .questions import answer_rows
from .services import ActionError
from .staff_export import inbox_csv


def _ip(request: StaffRequest) -> str | None:
    return client_address(request)


def _deadline_window() -> tuple[Any, Any]:
    now = timezone.now()
    return now, work_calendar().add_working_days(now, 1)


@require_safe
@staff_member_required
def inbox(request: StaffRequest) -> HttpResponse:
    scope = request.scope
    pemda = request.pemda
    form = staff_forms.InboxFilterForm(request.GET or None, pemda_code=pemda.wilayah_id, coordinator=scope.sees_all)
    filters = selectors.InboxFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.InboxFilters(**{k: v for k, v in form.cleaned_data.items() if v})
    now, soon = _deadline_window()
    # The coordinator's first job is the reports that just came in: a view of them, newest first, with their
    # number above the list, so that a new report is not lost under older ones whose deadlines have passed.
    new_view = scope.coordinator and request.GET.get("tampilan") == "baru"
    if new_view:
        filters = replace(filters, status=Status.DITERIMA)
    reports = selectors.staff_inbox(scope, filters, now=now, soon=soon)
    if new_view:
        reports = reports.order_by("-created_at", "-pk")
    if request.GET.get("format") == "csv":
        return inbox_csv(reports)
    page = slice_page(
        reports,
        page_number(request.GET.get("halaman")),
        25,
        fetch=lambda offset, limit: selectors.staff_inbox_slice(scope, reports, offset, limit, filters=filters),
        counter=lambda cap: selectors.staff_inbox_count(scope, reports, cap),
    )
    query = request.GET.copy()
    query.pop("halaman", None)
    query.pop("format", None)
    new_count = None
    if scope.coordinator:
        new_count = reports_visible_to(scope).filter(status=Status.DITERIMA).count()
    return render(
        request,
        "staff/inbox.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "now": now,
            "soon": soon,
            "scope": scope,
            "new_count": new_count,
            "new_view": new_view,
            "bulk_form": staff_forms.BulkForm(codes=[]) if scope.coordinator else None,
        },
    )


@require_POST
@staff_member_required
def bulk(request: StaffRequest) -> HttpResponse:
    scope = request.scope
    if not scope.coordinator:
        raise PermissionDenied
    chosen = request.POST.getlist("codes")
    form = staff_forms.BulkForm(request.POST, codes=chosen)
    if not chosen:
        messages.error(request, _("Select at least one report first."))
        return redirect("staff:inbox")
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("staff:inbox")
    done, refused = [], []
    for report in reports_visible_to(scope).filter(code__in=chosen).select_related("category"):
        try:
            if form.cleaned_data["action"] == "archive_spam":
                services.report_archive(report=report, actor=request.user, version=None, reason="spam", scope=scope,
                                        ip=_ip(request))  # fmt: skip
            else:
                # Verify-and-dispatch what is not verified yet, dispatch what is; the table refuses the rest.
                if rules.staff_refusal("verify", scope, report) is None:
                    services.report_verify(
                        report=report, actor=request.user, version=None, kind=report.kind, category=report.category,
                        weight=report.weight or report.category.default_weight, public_title=report.display_title,
                        public_description=report.public_description,
                        hidden_photos=[photo for photo in report.photos.all() if photo.is_hidden],
                        is_anonymous=report.is_anonymous,
                        is_confidential=report.is_confidential, lead_unit=form.cleaned_data["lead_unit"], scope=scope,
                        ip=_ip(request),
                    )  # fmt: skip
                else:
                    services.report_dispatch(report=report, actor=request.user, version=None,
                                             lead_unit=form.cleaned_data["lead_unit"], scope=scope, ip=_ip(request))  # fmt: skip
            done.append(report.code)
        except ActionError as exc:
            refused.append(f"{report.code}: {exc.message}")
    if done:
        messages.success(request, _("Done for %(n)d reports: %(codes)s") % {"n": len(done), "codes": ", ".join(done)})
    for line in refused:
        messages.error(request, line)
    return redirect("staff:inbox")


FORMS: dict[str, type[staff_forms.ActionForm]] = {
    "verify": staff_forms.VerifyForm,
    "dispatch": staff_forms.DispatchForm,
    "clarify": staff_forms.ClarifyForm,
    "not_authority": staff_forms.NotAuthorityForm,
    "archive": staff_forms.ArchiveForm,
    "merge": staff_forms.MergeForm,
    "accept": staff_forms.AcceptForm,
    "note": staff_forms.NoteForm,
    "respond": staff_forms.RespondForm,
    "finish": staff_forms.FinishForm,
    "return": staff_forms.ReturnForm,
    "attach": staff_forms.AttachForm,
}


ACTION_TEXTS: dict[str, tuple[Any, Any]] = {
    "verify": (
        gettext_lazy("Verify and dispatch"),
        gettext_lazy(
            "Check that the report is real and clear, correct it where needed and choose the OPD that must handle it."
        ),
    ),
    "dispatch": (gettext_lazy("Dispatch to an OPD"), gettext_lazy("The OPD's follow-up deadline starts now.")),
    "clarify": (
        gettext_lazy("Ask the reporter"),
        gettext_lazy("When something is missing (place, details). The deadline pauses until they answer."),
    ),
    "merge": (gettext_lazy("Merge a duplicate"), gettext_lazy("The same problem was reported before.")),
    "not_authority": (
        gettext_lazy("Not our authority"),
        gettext_lazy("For example national roads, police matters, private disputes. Say where to go."),
    ),
    "archive": (gettext_lazy("Archive"), gettext_lazy("Spam, too general or not relevant. The reason is recorded.")),
    "accept": (gettext_lazy("Accept and start"), gettext_lazy("Tell the reporter your OPD is working on it.")),
    "respond": (
        gettext_lazy("Public response"),
        gettext_lazy("Tell the reporter and the public how the work is going."),
    ),
    "finish": (gettext_lazy("Mark as finished"), gettext_lazy("When the work is done.")),
    "attach": (
        gettext_lazy("Add a photo or document"),
        gettext_lazy("Evidence of the work, e.g. a photo after repair."),
    ),
    "return": (
        gettext_lazy("Return to the coordinator"),
        gettext_lazy("When this report is not for your OPD. Say why."),
    ),
    "note": (gettext_lazy("Internal note"), gettext_lazy("Visible to staff only.")),
}


# The steps that move a report along; the others (ask, merge, archive, return, attach, note) are shown apart.
MAIN_ACTIONS = ("verify", "dispatch", "accept", "respond", "finish")


def _initial(action: str, report: Report) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": report.version}
    if action == "verify":
        initial.update(
            kind=report.kind,
            category=report.category_id,
            weight=report.weight or report.category.default_weight,
            public_title=report.display_title,
            public_description=report.public_description,
            hidden_photos=[photo.pk for photo in report.photos.all() if photo.is_hidden],
            is_anonymous=report.is_anonymous,
            is_confidential=report.is_confidential,
            lead_unit=report.category.default_unit_id,
            kelurahan=report.kelurahan_id or "",
        )
    elif action == "dispatch":
        initial["lead_unit"] = report.category.default_unit_id
    return initial


def _render_report(
    request: StaffRequest, report: Report, *, bound: tuple[str, staff_forms.ActionForm] | None = None, status: int = 200
) -> HttpResponse:
    scope = request.scope
    actions = rules.staff_actions(scope, report)
    if bound is not None and bound[0] not in actions:
        # A refused action keeps its panel: the reason is shown there and what the person typed is not lost.
        actions.append(bound[0])
    forms = {name: FORMS[name](initial=_initial(name, report), prefix=name).for_report(report) for name in actions}
    if bound is not None:
        forms[bound[0]] = bound[1]
    panels = [(name, *ACTION_TEXTS[name], forms[name]) for name in actions]
    photos = list(report.photos.all())
    now, soon = _deadline_window()
    return render(
        request,
        "staff/report.html",
        {
            "report": report,
            "scope": scope,
            "show_identity": may_see_identity(scope, report),
            "events": selectors.staff_events(report),
            "answers": answer_rows(report),
            "photos": photos,
            "hidden_photos": sum(1 for photo in photos if photo.is_hidden),
            "attachments": list(report.attachments.all()),
            "supporting": list(report.supporting_units.all()),
            "duplicates": selectors.duplicate_candidates(report) if "merge" in actions else [],
            "main_actions": [item for item in panels if item[0] in MAIN_ACTIONS],
            "more_actions": [item for item in panels if item[0] not in MAIN_ACTIONS],
            "open_action": bound[0] if bound else "",
            "now": now,
            "soon": soon,
            "deadline": report.due_at or report.verify_due_at,
        },
        status=status,
    )


@require_safe
@staff_member_required
def report_page(request: StaffRequest, code: str) -> HttpResponse:
    report = access_report_by_code(request.scope, code)
    return _render_report(request, report)


def _perform(action: str, report: Report, data: dict[str, Any], request: StaffRequest, scope: StaffScope) -> str:
    common = {"report": report, "actor": request.user, "version": data["version"], "scope": scope, "ip": _ip(request)}
    if action == "verify":
        services.report_verify(
            **common, kind=data["kind"], category=data["category"], weight=data["weight"],
            public_title=data["public_title"], public_description=data["public_description"],
            hidden_photos=list(data.get("hidden_photos") or []), is_anonymous=data["is_anonymous"], is_confidential=data["is_confidential"], note=data["note"],
            lead_unit=data["lead_unit"], supporting_units=list(data["supporting_units"]), instruction=data["instruction"],
            kelurahan=data["kelurahan"],
        )  # fmt: skip
        return _("Verified and dispatched.") if data["lead_unit"] else _("Verified.")
    if action == "dispatch":
        services.report_dispatch(**common, lead_unit=data["lead_unit"], supporting_units=list(data["supporting_units"]),
                                 instruction=data["instruction"])  # fmt: skip
        return _("Dispatched to %(unit)s.") % {"unit": data["lead_unit"]}
    if action == "clarify":
        services.report_request_clarification(**common, question=data["question"])
        return _("The reporter was asked; the deadline pauses until they answer.")
    if action == "not_authority":
        services.report_mark_not_authority(**common, referral=data["referral"], note=data["note"])
        return _("Marked as not the Pemda's authority.")
    if action == "archive":
        services.report_archive(**common, reason=data["reason"], note=data["note"])
        return _("Archived.")
    if action == "merge":
        from .codes import normalize

        pemda = request.pemda
        code = normalize(data["target"], pemda.code_prefix) or data["target"].strip().upper()
        target = reports_visible_to(scope).filter(code=code).first()
        if target is None:
            raise ActionError(_("No report has the code %(code)s.") % {"code": code})
        common.pop("report")
        services.report_merge(duplicate=report, target=target, **common)
        return _("Merged into %(code)s.") % {"code": target.code}
    if action == "accept":
        services.report_accept(**common, note=data["note"])
        return _("Accepted: the report is in progress.")
    if action in ("note", "respond"):
        services.report_add_note(**common, text=data["text"], public=action == "respond")
        return _("Response published and sent to the reporter.") if action == "respond" else _("Note added.")
    if action == "finish":
        services.report_finish(**common, answer=data["answer"])
        return _("Finished. The reporter can now rate the answer.")
    if action == "return":
        services.report_return(**common, reason=data["reason"])
        return _("Returned to the coordinator.")
    if action == "attach":
        services.report_attach(**common, upload=data["file"], is_public=data["is_public"])
        return _("Attachment added.")
    raise Http404


@require_POST
@staff_member_required
def report_action(request: StaffRequest, code: str, action: str) -> HttpResponse:
    scope = request.scope
    report = access_report_by_code(scope, code)
    if action not in FORMS:
        raise Http404
    form = FORMS[action](request.POST, request.FILES, prefix=action).for_report(report)
    if action not in rules.staff_actions(scope, report):
        form.is_valid()
        form.add_error(None, _("This action is not possible for this report now (it may have changed meanwhile)."))
        return _render_report(request, report, bound=(action, form), status=409)
    if not form.is_valid():
        return _render_report(request, report, bound=(action, form), status=400)
    try:
        message = _perform(action, report, form.cleaned_data, request, scope)
    except ActionError as exc:
        form.add_error(None, exc.message)
        report.refresh_from_db()
        # The kept form now names the version on screen, so "send it again" works once the person has looked.
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(report.version)
        form.data = data
        return _render_report(request, report, bound=(action, form), status=409)
    messages.success(request, message)
    # The form posted to #action-error (to show its errors); a redirect without a fragment of its own keeps that
    # one, so the page would open on the panel: open it at the top of the content, where the message is.
    return redirect(reverse("staff:report", kwargs={"code": code}) + "#main")


@require_safe
@staff_member_required
def attachment(request: StaffRequest, public_id: UUID) -> FileResponse:
    item = get_object_or_404(ReportAttachment.objects.select_related("report"), public_id=public_id)
    if not reports_visible_to(request.scope).filter(pk=item.report_id).exists():
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@staff_member_required
def staff_photo(request: StaffRequest, public_id: UUID) -> FileResponse:
    from .models import ReportPhoto

    item = get_object_or_404(ReportPhoto.objects.select_related("report"), public_id=public_id)
    if not reports_visible_to(request.scope).filter(pk=item.report_id).exists():
        raise Http404
    # A neutral name: older photos' storage names were made from a form token or a tracking code.
    response = FileResponse(item.file.open("rb"), content_type="image/jpeg", filename=f"foto-{item.public_id}.jpg")
    response["Cache-Control"] = "private, no-store"
    return response
