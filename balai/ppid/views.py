"""Public PPID pages: the request form, tracking and the private page, the register, the DIP/DIK, statistics."""

from __future__ import annotations

import csv
from calendar import monthrange
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from balai.core.models import Unit, UnitKind
from balai.core.selectors import work_calendar
from balai.lib.paging import KnownCountPaginator

from . import documents, selectors, services
from .forms import MyRequestsForm, ObjectionForm, RequestForm, TrackForm
from .models import Status

PAGE = 20
SEARCH_COUNT_MAX = 1000  # register entries a word search counts and pages through, newest first
# "Email me the links to all my requests": per client address, and per email address (whoever asks for it).
MY_LINKS_RATE_IP = "10/h"
MY_LINKS_RATE_EMAIL = "3/h"


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    year_start = datetime(now.year, 1, 1, tzinfo=work_calendar().tz)
    return render(request, "ppid/home.html", {
        "figures": selectors.figures(year_start, now), "recent": selectors.register_public()[:5], "year": now.year,
    })  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """The request form (no account). Before sending, similar requests of the public register are shown once."""
    initial = {"unit": request.GET.get("opd", "")}
    similar: list[Any] = []
    form = RequestForm(initial=initial)
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES)
        if form.is_valid():
            if not request.POST.get("seen_similar"):
                similar = selectors.similar_requests(form.cleaned_data["information"])
            if not similar:
                try:
                    created = services.request_submit(data=form.to_input(get_language() or "id"), ip=_ip(request))
                except services.ActionError as exc:
                    messages.error(request, exc.message)
                else:
                    request.session[f"ppid-sent-{created.code}"] = created.token
                    return redirect("ppid:sent", code=created.code)
    return render(request, "ppid/request_form.html", {"form": form, "similar": similar},
                  status=400 if request.method == "POST" and not similar else 200)  # fmt: skip


@require_safe
def request_sent(request: HttpRequest, code: str) -> HttpResponse:
    token = request.session.get(f"ppid-sent-{code}")
    found = selectors.request_by_token(code, token) if token else None
    if found is None:
        raise Http404
    private_path = reverse("ppid:private", args=[found.code, found.token])
    return render(request, "ppid/request_sent.html", {"item": found, "private_url": private_path,
                                                      "links_form": MyRequestsForm()})  # fmt: skip


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        found = selectors.request_by_code(form.cleaned_data["kode"])
        if found is not None:
            return redirect("ppid:track_detail", code=found.code)
        form.add_error("kode", _("No request has this code. Check the code in your email or receipt."))
    return render(request, "ppid/track.html", {"form": form, "links_form": MyRequestsForm()},
                  status=404 if form.errors else 200)  # fmt: skip


def _email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()[:254]


@require_http_methods(["GET", "HEAD", "POST"])
def my_links(request: HttpRequest) -> HttpResponse:
    """The page "Email me the links to all my requests": the answer is the same whether or not the address has requests
    (the look-up and the email happen in a queued task, so neither the page nor its timing tells); limited per
    client address and per email address."""
    if request.method != "POST":
        return render(request, "ppid/my_links.html", {"links_form": MyRequestsForm()})
    form = MyRequestsForm(request.POST)
    limits_on = getattr(settings, "RATELIMIT_ENABLE", True)
    if limits_on and is_ratelimited(request, group="ppid.my_links:ip", key="ip", rate=MY_LINKS_RATE_IP,
                                    increment=True):  # fmt: skip
        form.is_valid()
        form.add_error(None, _("Too many requests from your connection. Please wait an hour and try again."))
        return render(request, "ppid/my_links.html", {"links_form": form}, status=429)
    if not form.is_valid():
        return render(request, "ppid/my_links.html", {"links_form": form}, status=400)
    if limits_on and is_ratelimited(request, group="ppid.my_links:email", key=_email_key, rate=MY_LINKS_RATE_EMAIL,
                                    increment=True):  # fmt: skip
        form.add_error(None, _("The links were already sent to this address several times in the last hour. "
                               "Please check your inbox (and the spam folder), or try again later."))  # fmt: skip
        return render(request, "ppid/my_links.html", {"links_form": form}, status=429)
    services.send_my_requests_links.enqueue(form.cleaned_data["email"], get_language() or "id")
    messages.success(request, _("Thank you. If any information request was made with that address, an email with "
                                "the links to all of them is on its way to it. It can take a few minutes."))  # fmt: skip
    return redirect("ppid:my_links")


def _timeline(item: Any) -> list[Any]:
    return list(item.events.order_by("created_at", "id").only("created_at", "action", "to_status", "note"))


@require_safe
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.request_by_code(code)
    if item is None:
        raise Http404
    return render(request, "ppid/track_detail.html", {"item": item, "events": _timeline(item), "private": False})


@require_http_methods(["GET", "HEAD", "POST"])
def private(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The requester's private page: the notice to download, the objection form."""
    item = selectors.request_by_token(code, token)
    if item is None:
        raise Http404
    calendar = work_calendar()
    form = ObjectionForm()
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        if form.is_valid():
            try:
                services.request_object(request=item, grounds=form.cleaned_data["grounds"],
                                        reason=form.cleaned_data["reason"], ip=_ip(request))  # fmt: skip
            except services.ActionError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Your objection was sent to the atasan PPID."))
                return redirect("ppid:private", code=code, token=token)
        status = 400
    refusal = services.objection_refusal(item, timezone.now(), calendar)
    context = {
        "item": item, "events": _timeline(item), "private": True, "token": token, "form": form,
        "can_object": refusal is None, "object_refusal": refusal,
        "objection_until": services.objection_deadline(item, calendar) if item.status != Status.DITERIMA else None,
        "objection": getattr(item, "objection", None) if item.status in (Status.KEBERATAN, Status.KEBERATAN_DIJAWAB) else None,
    }  # fmt: skip
    response = render(request, "ppid/track_detail.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def notice_download(request: HttpRequest, code: str, token: str) -> HttpResponse:
    item = selectors.request_by_token(code, token)
    if item is None or item.notice_at is None:
        raise Http404
    return _pdf_response(documents.notice_pdf(item), f"pemberitahuan-{item.code}.pdf")


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    entries = selectors.register_public(q)
    more = False
    if q:
        # A word search reads each entry's question and answer: counted up to a bound (the newest matches are
        # listed first and a search that matches more is asked to be narrower), so that a common word costs the
        # same however long the register grows.
        found = entries[: SEARCH_COUNT_MAX + 1].count()
        more = found > SEARCH_COUNT_MAX
        paginator: Paginator[Any] = KnownCountPaginator(entries, PAGE, count=min(found, SEARCH_COUNT_MAX))
    else:
        paginator = Paginator(entries, PAGE)
    page = paginator.get_page(request.GET.get("halaman"))
    return render(request, "ppid/register.html", {"page": page, "q": q, "more": more, "most": SEARCH_COUNT_MAX})


@require_safe
def register_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.register_entry(code)
    return render(request, "ppid/register_detail.html", {"item": item, "documents": item.documents.all()})


@require_safe
def document(request: HttpRequest, public_id: str) -> FileResponse:
    from .models import ReleasedDocument

    found = ReleasedDocument.objects.select_related("request").filter(public_id=public_id).first()
    if found is None or not selectors.register_public().filter(pk=found.request_id).exists():
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=f"dokumen-{found.request.code}.pdf")


def _dip_context(request: HttpRequest, *, exempt: bool) -> dict[str, Any]:
    unit = request.GET.get("opd", "")
    q = request.GET.get("q", "").strip()[:100]
    units = Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("name")
    return {"entries": selectors.dip_public(unit_slug=unit, q=q, exempt=exempt), "units": units, "opd": unit,
            "q": q, "exempt": exempt}  # fmt: skip


@require_safe
def dip(request: HttpRequest, exempt: bool = False) -> HttpResponse:
    context = _dip_context(request, exempt=exempt)
    if request.GET.get("format") == "csv":
        return _dip_csv(context["entries"], exempt=exempt)
    return render(request, "ppid/dip.html", context)


def _dip_csv(entries: Any, *, exempt: bool) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{"dik" if exempt else "dip"}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = [_("OPD"), _("Title"), _("Summary"), _("Official responsible"), _("Time and place made"), _("Form"),
              _("Retention period"), _("Category"), _("Link")]  # fmt: skip
    if exempt:
        header.append(_("Consequence test"))
    writer.writerow(header)
    for e in entries:
        row = [e.unit.name if e.unit else _("The Pemda as a whole"), e.title, e.summary, e.official,
               e.made_when_where, e.get_form_display(), e.retention, e.get_category_display(), e.link]  # fmt: skip
        if exempt:
            row.append(e.consequence_test)
        writer.writerow(row)
    return response


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("dari", ""))
    except ValueError:
        start = date(today.year, 1, 1)
    try:
        end = date.fromisoformat(request.GET.get("sampai", ""))
    except ValueError:
        end = date(start.year, 12, 31)
    if end < start:
        start, end = end, start
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    from datetime import timedelta

    tz = work_calendar().tz
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    figures = selectors.figures(*_bounds(start, end))
    quarters = []
    for q in range(4):
        q_start = date(start.year, 3 * q + 1, 1)
        q_end = date(start.year, 3 * q + 3, monthrange(start.year, 3 * q + 3)[1])
        quarters.append((q + 1, q_start, q_end, selectors.figures(*_bounds(q_start, q_end))))
    return render(request, "ppid/statistics.html", {"figures": figures, "start": start, "end": end,
                                                    "quarters": quarters})  # fmt: skip


@require_safe
def report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    start, end = _period(request)
    figures = selectors.figures(*_bounds(start, end), rows=True)
    title = _("PPID report %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
    name = f"laporan-ppid-{start.isoformat()}-{end.isoformat()}"
    if fmt == "pdf":
        response = HttpResponse(documents.report_pdf(figures, title), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        documents.report_xlsx(figures, title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
