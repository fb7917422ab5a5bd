"""Background work of the command center."""

from __future__ import annotations

from django_tasks import task

from .summary import summary_rebuild


@task()
def rebuild_summary() -> int:
    """Recompute the summary tables, e.g. after the Pemda changed its holiday calendar."""
    return summary_rebuild()
