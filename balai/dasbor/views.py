"""The command center pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .access import dashboard_reader_required


@require_safe
@dashboard_reader_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "dasbor/overview.html", {})
