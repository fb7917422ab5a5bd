"""Public pages for citizens: home, the report form, tracking, the public list and a report's page."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from balai.core.middleware import client_address
from balai.core.selectors import kelurahan_at, pemda_current, pemda_has_boundaries

from . import cache, codes, rules, selectors
from .forms import PublicFilterForm, ReportForm, TrackForm
from .models import VERIFY_WORKING_DAYS, PendingPhoto, Report, ReportKind, ReportPhoto, Status
from .paging import page_number
from .questions import answer_rows
from .ratelimit import SubmissionLimited, bucket_for_address, photo_retry_count_one, submit_is_full
from .services import (
    DuplicateSubmission,
    pending_photo_discard,
    pending_photos_keep,
    report_submit,
    submission_browser_hash,
)
from .uploads import files_sent

# Which reports this browser has just sent: a signed cookie, read only by the confirmation page (its path), so
# that sending a report writes no session row (a citizen needs no server-side session) and costs no extra write.
SENT_COOKIE = "balai_terkirim"
SENT_COOKIE_SALT = "balai.lapor.sent"
SENT_COOKIE_AGE = 60 * 60 * 8  # as long as a session: the confirmation names the email, so not for ever
SENT_COOKIE_KEEP = 10
# A random value per browser, set where the form is served; a report keeps its keyed hash (submission_browser).
FORM_COOKIE = "balai_formulir"
FORM_COOKIE_AGE = 60 * 60 * 24
STATUS_STEPS = [Status.DITERIMA, Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DIPROSES, Status.SELESAI]


def _client_ip(request: HttpRequest) -> str | None:
    return client_address(request)


def _pemda_or_setup_page(request: HttpRequest) -> Any:
    pemda = getattr(request, "pemda", None) or pemda_current()
    if pemda is None:
        return None, render(request, "lapor/not_configured.html", status=503)
    return pemda, None


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    _pemda, early = _pemda_or_setup_page(request)
    if early:
        return early
    recent = list(selectors.reports_public()[:5])
    figures = selectors.public_figures()
    return render(
        request,
        "lapor/home.html",
        {
            "recent": recent,
            "counts": figures.counts,
            "counts_as_of": figures.as_of,
            "categories": cache.categories().active,
            "kinds": ReportKind,
            "verify_days": VERIFY_WORKING_DAYS,
        },
    )


def _form_token(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("form_token", ""))
    except ValueError:
        return uuid.uuid4()


def _preset_category(slug: str) -> int | None:
    """`/lapor/?kategori=<slug>`: a link (an OPD website's service page) may preselect an active category; an
    unknown or retired slug is ignored and the form starts empty, as without it."""
    slug = slug.strip()[:80]
    if not slug:
        return None
    return next((c.pk for c in cache.categories().active if c.slug == slug), None)


@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    pemda, early = _pemda_or_setup_page(request)
    if early:
        return early
    browser = request.COOKIES.get(FORM_COOKIE, "")[:64] or secrets.token_urlsafe(32)
    if request.method in ("GET", "HEAD"):
        token = uuid.uuid4()
        initial: dict[str, Any] = {"form_token": token, "kind": ReportKind.PENGADUAN}
        preset = _preset_category(request.GET.get("kategori", ""))
        if preset is not None:
            initial["category"] = preset
        form = ReportForm(initial=initial, pemda=pemda)
        # A preset form is not the blank one: it is rendered on its own, never into the shared blank copy.
        page = _render_form(request, form, token, pending=[], kept=set(), blank=preset is None)
        return _with_form_cookie(page, browser)

    token = _form_token(request)
    pending = list(PendingPhoto.objects.filter(form_token=token))
    files = request.FILES
    too_many = files_sent(request) > settings.PHOTO_MAX_COUNT
    if too_many:  # only some were read (balai.lapor.uploads): none is processed, the form says why
        files = files.copy()
        files.pop("photos", None)
    form = ReportForm(request.POST, files, pemda=pemda, pending=pending)
    # Peek without counting (invalid attempts are free): a sender already over the limit is told so at once.
    bucket = bucket_for_address(request)
    limited = submit_is_full(bucket) is not None
    if limited and Report.objects.filter(submission_token=token).exists():
        limited = False  # a retry of a report already sent is answered with that report, not refused
    valid = form.is_valid()
    if too_many:
        form.add_error(
            "photos",
            _("You can attach at most %(max)d photos; you chose %(count)d.")
            % {"max": settings.PHOTO_MAX_COUNT, "count": files_sent(request)},
        )
        valid = False
    if valid and not limited:
        try:
            report = report_submit(
                data=form.to_input(request.LANGUAGE_CODE),
                photos=[p for _name, p in form.processed_photos],
                pending=form.kept_pending(),
                actor=request.user,
                ip_address=_client_ip(request),
                submission_token=token,
                submission_browser=submission_browser_hash(browser),
                pemda=pemda,
                rate_bucket=bucket,
            )
        except DuplicateSubmission as duplicate:
            report = duplicate.report
            if not duplicate.same_browser(submission_browser_hash(browser)):
                # The token alone (a replay from elsewhere) gets what the tracking code gives anyone: no email,
                # no confirmation cookie.
                return redirect("lapor:track_detail", code=report.code)
        except SubmissionLimited:
            limited = True  # another form from the same address took the last slot meanwhile
        else:
            unused = [p.public_id for p in pending if p not in form.kept_pending()]
            if unused:
                pending_photo_discard(form_token=token, public_ids=unused)
        if not limited:
            # Only this browser may see the confirmation (it names the email); others use the tracking page.
            response = redirect("lapor:sent", code=report.code)
            _remember_sent(request, response, report.code)
            return _with_form_cookie(response, browser)

    # Keep the valid photos so the person does not have to send them again over a slow connection, within the
    # caps (per form, per address, in all), and not for an address that keeps posting invalid forms with photos.
    allowed = not (form.processed_photos and photo_retry_count_one(request))
    outcome = pending_photos_keep(
        form_token=token,
        photos=form.processed_photos,
        keep=set(request.POST.getlist("keep_photos")),
        client_address=_client_ip(request),
        allowed=allowed,
    )
    pending = outcome.photos
    kept = {str(p.public_id) for p in pending}
    if outcome.refused:
        form.add_error(
            "photos",
            ngettext(
                "%(count)d photo could not be kept for now; please choose it again when you send the form.",
                "%(count)d photos could not be kept for now; please choose them again when you send the form.",
                outcome.refused,
            )
            % {"count": outcome.refused},
        )
    status = 200
    if limited:
        form.add_error(
            None,
            _(
                "You have sent many reports in a short time. Please wait an hour and send it again; what you typed is kept."
            ),
        )
        status = 429
    return _with_form_cookie(_render_form(request, form, token, pending=pending, kept=kept, status=status), browser)


def _with_form_cookie(response: HttpResponse, value: str) -> HttpResponse:
    """This browser's own random value, sent with every post of the form: the one thing a replay of a form token
    from another browser lacks (see report_create and docs/security.md)."""
    response.set_cookie(
        FORM_COOKIE,
        value,
        max_age=FORM_COOKIE_AGE,
        path=reverse("lapor:create"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _render_form(
    request: HttpRequest,
    form: ReportForm,
    token: uuid.UUID,
    *,
    pending: list[PendingPhoto],
    kept: set[str],
    status: int = 200,
    blank: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "form_token": token,
        "pending_photos": pending,
        "kept_ids": kept,
        **_form_page_context(form),
    }
    if blank:
        context["blank_fields"] = cache.blank_form_fields(
            (translation.get_language(), form.pemda.pk, form.pemda.updated_at, pemda_has_boundaries(form.pemda)),
            lambda: render_to_string("lapor/_report_form_fields.html", context),
        )
    return render(request, "lapor/report_form.html", context, status=status)


def _form_page_context(form: ReportForm) -> dict[str, Any]:
    pemda = form.pemda
    return {
        "kecamatan_list": [label for label, _items in form.kelurahan_groups],
        "map": {
            "tile_url": settings.MAP_TILE_URL,
            "attribution": settings.MAP_ATTRIBUTION,
            # Strings, not numbers: the template would localise numbers ("1,36" in Indonesian) for form.js.
            "center": [str(value) for value in pemda.center],
            "bounds": [
                [str(pemda.min_latitude), str(pemda.min_longitude)],
                [str(pemda.max_latitude), str(pemda.max_longitude)],
            ],
        },
        "photo_slots": settings.PHOTO_MAX_COUNT,
        # With imported kelurahan boundaries, marking the point fills in the kelurahan (form.js asks kelurahan_at).
        "kelurahan_at_url": reverse("lapor:kelurahan_at") if pemda_has_boundaries(pemda) else "",
    }


def photo_response(file: Any, public_id: uuid.UUID) -> FileResponse:
    """A stored photo under a neutral name made of its public id: never its storage name (older photos' names
    were made from a form token or a tracking code)."""
    return FileResponse(file.open("rb"), content_type="image/jpeg", filename=f"foto-{public_id}.jpg")


@require_safe
def kelurahan_at_point(request: HttpRequest) -> JsonResponse:
    """The kelurahan/desa whose imported boundary holds ?lat=&lng= (for the report form's map), or code ""."""
    pemda = pemda_current()
    try:
        latitude, longitude = Decimal(request.GET.get("lat", "")), Decimal(request.GET.get("lng", ""))
    except ArithmeticError:
        return JsonResponse({"error": _("lat and lng must be numbers.")}, status=400)
    if pemda is None or not (latitude.is_finite() and longitude.is_finite()):
        return JsonResponse({"error": _("lat and lng must be numbers.")}, status=400)
    found = kelurahan_at(pemda, latitude, longitude) if pemda.contains_point(latitude, longitude) else None
    if found is None:
        return JsonResponse({"code": "", "name": ""})
    return JsonResponse(
        {"code": found.code, "name": found.display_name, "kecamatan": found.parent.display_name if found.parent else ""}
    )


@require_safe
def pending_photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    item = get_object_or_404(PendingPhoto, public_id=public_id)
    response = photo_response(item.file, item.public_id)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _sent_codes(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(SENT_COOKIE, default="", salt=SENT_COOKIE_SALT, max_age=SENT_COOKIE_AGE)
    return [code for code in (value or "").split(",") if code]


def _remember_sent(request: HttpRequest, response: HttpResponse, code: str) -> None:
    codes_sent = [c for c in _sent_codes(request) if c != code][-(SENT_COOKIE_KEEP - 1) :]
    response.set_signed_cookie(
        SENT_COOKIE,
        ",".join([*codes_sent, code]),
        salt=SENT_COOKIE_SALT,
        max_age=SENT_COOKIE_AGE,
        path=reverse("lapor:sent", kwargs={"code": "X"}).rsplit("X", 1)[0],
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@require_safe
def report_sent(request: HttpRequest, code: str) -> HttpResponse:
    if code not in _sent_codes(request):
        return redirect("lapor:track_detail", code=code)
    report = selectors.report_by_code_for_tracking(code)
    if report is None:
        raise Http404
    return render(request, "lapor/report_sent.html", {"report": report})


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    pemda, early = _pemda_or_setup_page(request)
    if early:
        return early
    if "kode" not in request.GET:
        return render(request, "lapor/track.html", {"form": TrackForm()})
    form = TrackForm(request.GET)
    if form.is_valid():
        code = codes.normalize(form.cleaned_data["kode"], pemda.code_prefix)
        if code is None:
            form.add_error(
                "kode", _("A tracking code looks like %(example)s.") % {"example": f"{pemda.code_prefix}-7K3Q-9XFA"}
            )
        else:
            return redirect("lapor:track_detail", code=code)
    return render(request, "lapor/track.html", {"form": form}, status=400)


def _track_form_with_error(code: str, message: str) -> TrackForm:
    """The tracking form filled in with `code` and showing `message` (add_error needs a cleaned, bound form)."""
    form = TrackForm({"kode": code[:30]})
    form.is_valid()
    form.add_error(None, message)
    return form


@require_safe
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    if is_ratelimited(request, group="lapor.track", key="ip", rate=settings.RATELIMIT_TRACK, increment=True):
        form = _track_form_with_error(
            code, _("Too many look-ups from your connection. Please wait a minute and try again.")
        )
        return render(request, "lapor/track.html", {"form": form}, status=429)
    pemda = getattr(request, "pemda", None)
    canonical = codes.normalize(code, pemda.code_prefix) if pemda else None
    if canonical and canonical != code:
        # A code typed into the address bar in lower case or without dashes still works.
        return redirect("lapor:track_detail", code=canonical)
    report = selectors.report_by_code_for_tracking(code)
    if report is None:
        form = _track_form_with_error(
            code,
            _("No report has the code %(code)s. Check it letter by letter: it has no 0, O, 1 or I.") % {"code": code},
        )
        return render(request, "lapor/track.html", {"form": form}, status=404)
    return render(request, "lapor/report_detail.html", _detail_context(report, tracking=True))


def _detail_context(report: Report, *, tracking: bool) -> dict[str, Any]:
    step_index = STATUS_STEPS.index(Status(report.status)) if report.status in STATUS_STEPS else None
    photos = selectors.report_public_photos(report)
    return {
        "report": report,
        "attachments": list(report.attachments.filter(is_public=True)) if report.is_public else [],
        "events": selectors.report_public_events(report),
        "answers": answer_rows(report, public_only=True),
        "photos": photos,
        "tracking": tracking,
        "steps": [(s, s.label, step_index is not None and i <= step_index) for i, s in enumerate(STATUS_STEPS)],
        "side_exit": step_index is None,
    }


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    pemda, early = _pemda_or_setup_page(request)
    if early:
        return early
    form = PublicFilterForm(request.GET or None, pemda=pemda)
    filters = selectors.PublicFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.PublicFilters(**form.cleaned_data)
    page = selectors.public_report_page(filters, page_number(request.GET.get("halaman")))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request, "lapor/report_list.html", {"form": form, "page": page, "query": query.urlencode(), "filters": filters}
    )


@require_safe
def report_detail(request: HttpRequest, code: str) -> HttpResponse:
    report = selectors.report_public_get(code)
    if report is None:
        raise Http404
    return render(request, "lapor/report_detail.html", _detail_context(report, tracking=False))


@require_safe
def photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    item = get_object_or_404(ReportPhoto.objects.select_related("report"), public_id=public_id)
    if not selectors.photo_visible_to(item, request.user):
        raise Http404
    response = photo_response(item.file, item.public_id)
    response["Cache-Control"] = "public, max-age=86400" if item.report.is_public else "private, max-age=86400"
    return response


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "lapor/privacy.html")


def _reporter_report(code: str, token: str) -> Report:
    from .services import report_by_token

    report = report_by_token(code, token)
    if report is None:
        raise Http404
    return report


@require_http_methods(["GET", "HEAD", "POST"])
def reporter(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The reporter's private page (link from the email or the confirmation page): answer, rate, reopen."""
    from . import services
    from .staff_forms import RateForm, ReopenForm, ReporterClarifyForm

    report = _reporter_report(code, token)
    forms_: dict[str, Any] = {
        "clarify": ReporterClarifyForm(prefix="clarify"),
        "rate": RateForm(prefix="rate", initial={"rating": report.rating, "comment": report.rating_comment}),
        "reopen": ReopenForm(prefix="reopen"),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        form: Any
        ip = _client_ip(request)
        try:
            if action == "clarify":
                form = forms_["clarify"] = ReporterClarifyForm(request.POST, prefix="clarify")
                if form.is_valid():
                    services.report_answer_clarification(report=report, answer=form.cleaned_data["answer"], ip=ip)
                    messages.success(request, _("Thank you, your answer was sent to the officers."))
                    return redirect("lapor:reporter", code=code, token=token)
            elif action == "rate":
                form = forms_["rate"] = RateForm(request.POST, prefix="rate")
                if form.is_valid():
                    services.report_rate(report=report, rating=form.cleaned_data["rating"],
                                         comment=form.cleaned_data["comment"], ip=ip)  # fmt: skip
                    messages.success(request, _("Thank you for your rating."))
                    return redirect("lapor:reporter", code=code, token=token)
            elif action == "reopen":
                form = forms_["reopen"] = ReopenForm(request.POST, prefix="reopen")
                if form.is_valid():
                    services.report_reopen(report=report, reason=form.cleaned_data["reason"], ip=ip)
                    messages.success(request, _("Your report is open again and back with the OPD."))
                    return redirect("lapor:reporter", code=code, token=token)
            elif action in ("fixed_yes", "fixed_no"):
                services.report_answer_questionnaire(
                    report=report, fixed="ya" if action == "fixed_yes" else "tidak", ip=ip
                )
                messages.success(request, _("Thank you, your answer is recorded."))
                return redirect("lapor:reporter", code=code, token=token)
            else:
                raise Http404
        except services.ActionError as exc:
            messages.error(request, exc.message)
            report.refresh_from_db()
        status = 400
    allowed = rules.reporter_actions(report)
    question = answer = None
    if "answer_clarification" in allowed:
        question = report.events.filter(to_status=Status.DITUNDA).order_by("-created_at").first()
    elif "rate" in allowed:
        answer = report.events.filter(to_status=Status.SELESAI).order_by("-created_at").first()
    deadline = services.reopen_deadline(report) if "reopen" in allowed else None
    context = _detail_context(report, tracking=True)
    context.update(
        private=True,
        token=token,
        allowed=allowed,
        forms=forms_,
        question=question,
        answer=answer,
        can_reopen=deadline is not None and timezone.now() <= deadline,
        reopen_until=deadline,
    )
    return render(request, "lapor/report_detail.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """One click from the email opens this page; the button stops the emails (mail scanners only GET)."""
    from .services import report_unsubscribe

    report = _reporter_report(code, token)
    if request.method == "POST":
        report = report_unsubscribe(report=report, ip=_client_ip(request))
    return render(request, "lapor/unsubscribe.html", {"report": report, "token": token})


@require_safe
def public_attachment(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    from .models import ReportAttachment

    item = get_object_or_404(ReportAttachment.objects.select_related("report"), public_id=public_id, is_public=True)
    if not item.report.is_public:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.original_name)
    response["Cache-Control"] = "public, max-age=86400"
    return response
