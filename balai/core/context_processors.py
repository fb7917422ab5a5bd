from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def pemda(request: HttpRequest) -> dict[str, Any]:
    return {"pemda": getattr(request, "pemda", None), "SITE_URL": settings.SITE_URL}
