"""Liveness and readiness probes for load balancers and monitoring; no personal data, no session."""

from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# A job waiting longer than this means no worker is running.
STUCK_AFTER_SECONDS = 300


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, object] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        return JsonResponse({"status": "fail", "checks": {"database": "unreachable"}}, status=503)
    try:
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.ready()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        waited = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        stuck = waited > STUCK_AFTER_SECONDS
        checks["tasks"] = {
            "queued": ready.count(),
            "oldest_wait_seconds": round(waited),
            "status": "stuck" if stuck else "ok",
        }
        healthy = not stuck
    except DatabaseError:
        checks["tasks"] = {"status": "unreachable"}
        healthy = False
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
