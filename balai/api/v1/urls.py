"""The JSON API v1 under /api/v1/: ninja's URLs, then a JSON 404 for every other address below it."""

from __future__ import annotations

from django.urls import path, re_path

from .api import api, not_found_view

urlpatterns = [
    path("", api.urls),
    re_path(r"^.*$", not_found_view, name="api-v1-not-found"),
]
