"""The worker's periodic run, in the test's own transaction: every registered periodic check (as `balai worker`
queues them), then the emails those checks queued, sent the way the worker sends them.

Only the tasks that the checks themselves queued run here; what was queued before (a dispatch email, say) stays in
the queue, as it would for a worker that has not reached it yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from balai.core.registry import registry

# Database upkeep, not behaviour: SQLite's ANALYZE would leave its statistics in the shared test connection's
# planner after the test's rollback, and change the query plans the plan tests check. The worker test
# (test_escalation.py) runs it with the others.
UPKEEP = {"lapor.planner_statistics"}


def run_queued(exclude: set[Any] = frozenset()) -> int:  # type: ignore[assignment]
    """Run the ready tasks (except `exclude`) as db_worker does: mark each successful or failed."""
    done = 0
    for row in DBTaskResult.objects.ready().exclude(id__in=list(exclude)).order_by("enqueued_at"):
        result = row.task_result
        try:
            value = row.task.call(*result.args, **result.kwargs)
        except Exception as exc:
            row.set_failed(exc)
        else:
            row.set_successful(value)
        done += 1
    return done


def periodic_checks(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    before = set(DBTaskResult.objects.ready().values_list("id", flat=True))
    counts: dict[str, int] = {}
    for check in registry.periodic():
        if check.name not in UPKEEP:
            counts.update(check.run(now))
    run_queued(exclude=before)
    return counts
