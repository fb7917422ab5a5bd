"""The baseline request: through Balai's whole middleware stack, one INSERT, a tiny response."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Hit


@csrf_exempt  # the load generator has no form to take a token from; Balai's own form keeps its CSRF check
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    Hit.objects.create()
    return HttpResponse("ok", content_type="text/plain")
