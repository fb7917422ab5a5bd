"""Working days depend on the calendar: when the Pemda edits it, the summary is recomputed in the background."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def calendar_changed(**_kwargs: Any) -> None:
    from .tasks import rebuild_summary

    transaction.on_commit(rebuild_summary.enqueue)


def fill_empty_summary(using: str = "default", **_kwargs: Any) -> None:
    """An installation upgraded to a version with the command center: count the reports it already has."""
    from balai.lapor.models import Report

    from .models import BacklogCell, RollupCell, StatCell
    from .summary import BACKLOG_STATUSES, summary_rebuild

    reports = Report.objects.using(using)
    if not reports.exists():
        return
    counts_missing = not StatCell.objects.using(using).exists() or not RollupCell.objects.using(using).exists()
    if counts_missing or (
        not BacklogCell.objects.using(using).exists() and reports.filter(status__in=BACKLOG_STATUSES).exists()
    ):
        summary_rebuild()
