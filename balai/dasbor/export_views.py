"""The page where a reader asks for the monthly PDF and downloads it when the worker has made it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from balai.core.models import Unit

from .access import DashboardRequest, DashboardScope, dashboard_reader_required
from .export_jobs import (
    ExportPendingError,
    access_export_job,
    current_month,
    export_file_name,
    export_jobs_visible_to,
    export_request,
    export_scopes_for,
)
from .models import ExportStatus
from .tables import format_month

WHOLE_PEMDA = "pemda"
MONTHS_OFFERED = 24
JOBS_SHOWN = 30


def months_offered(today_month: dt.date, count: int = MONTHS_OFFERED) -> list[dt.date]:
    """This month and the `count - 1` before it, newest first."""
    months, month = [], today_month
    for _index in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


class ExportRequestForm(forms.Form):
    month = forms.TypedChoiceField(label=gettext_lazy("Month"), coerce=dt.date.fromisoformat)
    scope = forms.ChoiceField(label=gettext_lazy("For"))

    def __init__(self, *args: Any, scopes: list[Unit | None], pemda_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months = months_offered(current_month())
        month_field: Any = self.fields["month"]
        month_field.choices = [(m.isoformat(), format_month(m)) for m in months]
        # A month that is over is what a monthly report is for: the last one is the default.
        self.initial.setdefault("month", months[1].isoformat())
        self.units = {u.slug: u for u in scopes if u is not None}
        scope_field: Any = self.fields["scope"]
        scope_field.choices = [
            (WHOLE_PEMDA, _("The whole Pemda (%(name)s)") % {"name": pemda_name}) if u is None else (u.slug, u.name)
            for u in scopes
        ]

    def unit(self) -> Unit | None:
        slug = self.cleaned_data["scope"]
        return None if slug == WHOLE_PEMDA else self.units[slug]


@require_http_methods(["GET", "HEAD", "POST"])
@dashboard_reader_required
def exports(request: DashboardRequest) -> HttpResponse:
    dash: DashboardScope = request.dash
    pemda = request.pemda
    form = ExportRequestForm(
        request.POST if request.method == "POST" else None,
        scopes=export_scopes_for(dash),
        pemda_name=pemda.short_name,
    )
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        try:
            export_request(actor=request.user, month=month, unit=form.unit(), ip=request.META.get("REMOTE_ADDR"))
        except ExportPendingError:
            messages.info(
                request, _("This report is already being made. It appears in the list below when it is ready.")
            )
            return redirect("dasbor:exports")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The report for %(month)s is being made. It appears in the list below when it is ready; you "
                    "may leave this page meanwhile."
                )
                % {"month": format_month(month)},
            )
            return redirect("dasbor:exports")
    jobs = list(export_jobs_visible_to(dash)[:JOBS_SHOWN])
    return render(
        request,
        "dasbor/exports.html",
        {"form": form, "jobs": jobs, "has_pending": any(job.pending for job in jobs), "dash": dash},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_safe
@dashboard_reader_required
def export_download(request: DashboardRequest, public_id: UUID) -> FileResponse:
    job = access_export_job(request.dash, public_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=export_file_name(job), content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response
