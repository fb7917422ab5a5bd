"""The steps every report service takes, in this order: lock, check the table, check the version, change and save
(telling the hooks), record the event, audit, queue the emails. Private to balai.lapor.services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.access import StaffScope, staff_scope
from balai.core.selectors import pemda_current, work_calendar
from balai.core.services import audit_record

from .. import hooks, rules
from ..images import ProcessedPhoto
from ..models import Report, ReportEvent, ReportPhoto, Status
from ..timeline import SENTENCES


class ActionError(Exception):
    """An action that cannot be done now; `message` says why, in the person's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleVersionError(ActionError):
    pass


REPORTER_LABEL = "pelapor"
SYSTEM_LABEL = "sistem"


def label(actor: Any, fallback: str = SYSTEM_LABEL) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return fallback


def scope_of(actor: Any, scope: StaffScope | None) -> StaffScope:
    return scope if scope is not None else staff_scope(actor)


def lock(report: Report, version: int | None) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        raise StaleVersionError(
            _(
                "Someone else changed this report while you were working on it. Check the timeline below; "
                "what you typed is kept, send it again if it still applies."
            )
        )
    # What each observer (the command center's figures) counts of it now; `save` hands it back after the change.
    locked._observed = [(obs, obs.before(locked)) for obs in hooks.report_changed.receivers]  # type: ignore[attr-defined]
    return locked


def allow(action: str, report: Report, *, actors: set[rules.Actor]) -> None:
    """Raise ActionError unless the table allows `actors` to do `action` to the (locked) report."""
    reason = rules.refusal(action, report, actors=actors)
    if reason is not None:
        raise ActionError(reason)


def allow_staff(action: str, report: Report, scope: StaffScope) -> None:
    allow(action, report, actors=rules.actors_of(scope, report))


def move(report: Report, action: str) -> str:
    """Set the status the table says `action` leads to; returns the previous status."""
    to_status = rules.RULES[action].to_status
    assert to_status is not None, action  # noqa: S101 - a programming error, not a user's
    previous = report.status
    report.status = to_status
    return previous


def add_photo(report: Report, photo: ProcessedPhoto, *, name: str, public_id: Any, position: int) -> ReportPhoto:
    """The row of a photo processed and stored as `name` (under its public id), at `position` among the report's."""
    return ReportPhoto.objects.create(
        public_id=public_id,
        report=report,
        file=name,
        width=photo.width,
        height=photo.height,
        size=len(photo.content),
        position=position,
    )


def save(report: Report, *fields: str) -> None:
    """Save a report obtained from `lock` with a new version, and tell the observers, in this transaction."""
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])
    observed = report.__dict__.get("_observed", [])
    report._observed = [(obs, obs.after(before, report)) for obs, before in observed]  # type: ignore[attr-defined]


def created(report: Report) -> None:
    """Tell the observers about a new report (in its transaction)."""
    report._observed = [(obs, obs.after(None, report)) for obs in hooks.report_changed.receivers]  # type: ignore[attr-defined]


def event(
    report: Report,
    actor: Any,
    kind: str,
    note: str = "",
    *,
    from_status: str = "",
    to_status: str = "",
    is_public: bool = True,
    at: datetime | None = None,
    actor_label: str | None = None,
    code: str = "",
    params: dict[str, Any] | None = None,
) -> ReportEvent:
    """Record a timeline event: `code` and `params` name the sentence Balai words in each reader's language
    (balai/lapor/timeline.py), `note` is what a person typed."""
    if code and code not in SENTENCES:
        raise ValueError(f"No timeline sentence for code {code!r}")
    return ReportEvent.objects.create(
        report=report,
        created_at=at or timezone.now(),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label or label(actor),
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        code=code,
        params=params or {},
        note=note.strip(),
        is_public=is_public,
    )


def audit(actor: Any, action: str, report: Report, ip: str | None, *, actor_label: Any = "", **changes: Any) -> None:
    audit_record(
        actor=actor, action=f"report.{action}", obj=report, changes=changes, ip_address=ip, actor_label=str(actor_label)
    )


def notify_reporter(report: Report, event: ReportEvent, *, text: str = "") -> None:
    """Queue the reporter's email about this event: the staff's own words (`text`); the event's sentence is
    worded from its code in the reporter's language when the email is sent."""
    from ..tasks import send_report_update

    send_report_update.enqueue(report.code, event.pk, {"text": text.strip()})


def calendar() -> Any:
    return work_calendar(pemda_current())


def status_label(value: str) -> str:
    return str(Status(value).label)
