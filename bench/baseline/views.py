"""The bench-only requests, through Balai's whole middleware stack: the two intake baselines and the switch that
makes the home page's figures stale."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import same_writes as same
from .home import make_figures_stale
from .models import Hit


@csrf_exempt  # the load generator has no form to take a token from; Balai's own form keeps its CSRF check
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    """One INSERT into a one-column table, a tiny response: the least a Django write can do."""
    Hit._default_manager.create()
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def same_writes(request: HttpRequest) -> HttpResponse:
    """The rows a report submission writes, in plain SQL, one transaction (bench/baseline/same_writes.py)."""
    code = same.write(ip_address=request.META.get("REMOTE_ADDR"))
    return HttpResponse(code, content_type="text/plain")


@csrf_exempt
@require_POST
def home_figures_stale(request: HttpRequest) -> HttpResponse:
    """The home page's cached figures made stale: the next GET / recounts them (bench/baseline/home.py)."""
    return HttpResponse(make_figures_stale(), content_type="text/plain")
