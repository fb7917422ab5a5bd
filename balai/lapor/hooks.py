"""What the reporting module announces to modules above it (the command center keeps its figures from it).

A receiver is called inside the report's own transaction: `before(report)` when a report is locked for a change
(its answer is handed back to `after`), `after(before, report)` once the change is saved (`before` is None for a
new report). Whatever `after` returns is the new `before` if the same locked report changes again.
"""

from __future__ import annotations

from typing import Any, Protocol

from balai.core.registry import Hook

from .models import Report


class ReportObserver(Protocol):
    def before(self, report: Report) -> Any: ...

    def after(self, before: Any, report: Report) -> Any: ...


report_changed: Hook[ReportObserver] = Hook("lapor.report_changed")
