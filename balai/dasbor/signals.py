"""Working days depend on the calendar: when the Pemda edits it, the summary is recomputed in the background."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def calendar_changed(**_kwargs: Any) -> None:
    from .tasks import rebuild_summary

    transaction.on_commit(rebuild_summary.enqueue)
