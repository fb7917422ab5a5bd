"""The worker's periodic work: each module's registered checks, one task each, so one slow or failing check
(an unreachable mail server, say) neither delays nor stops the others."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from balai.core.registry import registry

log = logging.getLogger(__name__)


def periodic_enqueue() -> list[str]:
    """Queue every registered periodic check; returns their names."""
    names = [check.name for check in registry.periodic()]
    for name in names:
        run_periodic_check.enqueue(name)
    return names


@task()
def run_periodic_check(name: str) -> dict[str, int]:
    check = next((c for c in registry.periodic() if c.name == name), None)
    if check is None:  # a module removed since the task was queued
        log.warning("periodic check %s is not registered", name)
        return {}
    return check.run(timezone.now())
