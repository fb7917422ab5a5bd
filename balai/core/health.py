"""Liveness and readiness probes for load balancers and monitoring; no personal data, no session.

/readyz answers 503 ("fail") only when this instance cannot serve: no database, or a task queue nobody works
through. A mail server that refuses is "degraded" with 200: the site still takes reports (the outbox keeps their
emails), and a 503 would make a load balancer take every instance out of service for a fault none of them has.
Monitoring should alert on the body's "status" (docs/deploy.md "When mail fails")."""

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
    if not healthy:
        return JsonResponse({"status": "fail", "checks": checks}, status=503)
    from .outbox import mail_health

    try:
        mail = mail_health(timezone.now())
    except DatabaseError:
        mail = {"status": "unreachable"}
    checks["mail"] = mail
    degraded = mail["status"] != "ok"
    return JsonResponse({"status": "degraded" if degraded else "ok", "checks": checks})
