"""Who may do what to a report in which state: the one table that the services enforce and the pages read.

Each action names the kinds of actor allowed, the states it starts from and the state it leads to (if it changes
the status). `refusal()` says why an action is not allowed, in the reader's language, or None when it is; the
services raise it, the staff page shows only the actions with no refusal, and the bulk actions and the API ask
the same function.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.access import StaffScope

from .models import Report, Status


class Actor(StrEnum):
    COORDINATOR = "coordinator"  # admin koordinator (or admin sistem)
    OPERATOR = "operator"  # an operator of the OPD leading the report
    REPORTER = "reporter"  # whoever holds the reporter's private link (or replies from the reporter's email)
    SYSTEM = "system"  # the worker's periodic checks


ALL_STATES = frozenset(Status)
BEFORE_DISPATCH = frozenset({Status.DITERIMA, Status.DITUNDA, Status.DIVERIFIKASI})
HANDLING = frozenset({Status.DIDISPOSISIKAN, Status.DIPROSES})
OPEN_OR_DONE = ALL_STATES - {Status.BUKAN_WEWENANG, Status.DIARSIPKAN}
OPEN_OR_DONE = ALL_STATES - {Status.BUKAN_WEWENANG, Status.DIARSIPKAN}


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    states: frozenset[str]
    to_status: str | None
    # Past participle for "cannot be %(action)s" (verified, dispatched, …).
    done: Any
    # Shown on the staff page (the reporter's and the system's actions are not buttons).
    staff_button: bool = True
    # Who may also do it through the services, standing in for the actors, without a button of their own: the
    # coordinator may act for an OPD (accept, answer, finish…) when it cannot.
    stand_in: frozenset[Actor] = frozenset()


def _rule(
    actors: set[Actor],
    states: set[Status] | frozenset[Status],
    to: Status | None,
    done: Any,
    button: bool = True,
    stand_in: frozenset[Actor] = frozenset(),
) -> Rule:
    return Rule(frozenset(actors), frozenset(states), to, done, button, stand_in)


CO, OP, RE, SY = Actor.COORDINATOR, Actor.OPERATOR, Actor.REPORTER, Actor.SYSTEM
FOR_OPD = frozenset({CO})

# The order is the order of the buttons on the staff page.
RULES: dict[str, Rule] = {
    "verify": _rule({CO}, {Status.DITERIMA, Status.DITUNDA}, Status.DIVERIFIKASI, gettext_lazy("verified")),
    "dispatch": _rule({CO}, {Status.DIVERIFIKASI}, Status.DIDISPOSISIKAN, gettext_lazy("dispatched")),
    "clarify": _rule({CO}, {Status.DITERIMA, Status.DIVERIFIKASI}, Status.DITUNDA, gettext_lazy("put on hold")),
    "merge": _rule({CO}, BEFORE_DISPATCH, Status.DIARSIPKAN, gettext_lazy("merged")),
    "not_authority": _rule({CO}, BEFORE_DISPATCH, Status.BUKAN_WEWENANG, gettext_lazy("referred elsewhere")),
    "archive": _rule({CO, SY}, BEFORE_DISPATCH, Status.DIARSIPKAN, gettext_lazy("archived")),
    # An information request (kind informasi) handed to the PPID module, which keeps the link back.
    "to_ppid": _rule({CO}, BEFORE_DISPATCH, Status.DIARSIPKAN, gettext_lazy("moved to the PPID"), False),
    "accept": _rule({OP}, {Status.DIDISPOSISIKAN}, Status.DIPROSES, gettext_lazy("accepted"), stand_in=FOR_OPD),
    "respond": _rule({OP}, HANDLING, None, gettext_lazy("answered"), stand_in=FOR_OPD),
    "finish": _rule({OP}, {Status.DIPROSES}, Status.SELESAI, gettext_lazy("finished"), stand_in=FOR_OPD),
    "attach": _rule({OP}, {*HANDLING, Status.SELESAI}, None, gettext_lazy("given attachments"), stand_in=FOR_OPD),
    "return": _rule({OP}, HANDLING, Status.DIVERIFIKASI, gettext_lazy("returned"), stand_in=FOR_OPD),
    "note": _rule({CO, OP}, ALL_STATES, None, gettext_lazy("given notes")),
    # The reporter, through their private link or email.
    "answer_clarification": _rule({RE}, {Status.DITUNDA}, Status.DITERIMA, gettext_lazy("answered"), False),
    "rate": _rule({RE}, {Status.SELESAI}, None, gettext_lazy("rated"), False),
    "reopen": _rule({RE}, {Status.SELESAI}, Status.DIPROSES, gettext_lazy("reopened"), False),
    "answer_questionnaire": _rule({RE}, {Status.SELESAI}, None, gettext_lazy("answered"), False),
    "message": _rule({RE}, ALL_STATES, None, gettext_lazy("given messages"), False),
    "unsubscribe": _rule({RE}, ALL_STATES, None, gettext_lazy("unsubscribed"), False),
    # The worker.
    "escalate": _rule({SY}, {Status.DITERIMA, *HANDLING}, None, gettext_lazy("escalated"), False),
    "questionnaire_sent": _rule({SY}, {Status.SELESAI}, None, gettext_lazy("asked"), False),
    "add_photos": _rule({RE, SY}, OPEN_OR_DONE, None, gettext_lazy("given photos"), False),
    "system_note": _rule({SY}, ALL_STATES, None, gettext_lazy("given notes"), False),
}


# What still happens to a duplicate after it was merged: its reporter may write or stop emails; channels note.
AFTER_MERGE = frozenset({"message", "unsubscribe", "system_note"})


def transitions() -> dict[str, set[str]]:
    """Where a report can go from each state, derived from the table (for documentation and the checks)."""
    moves: dict[str, set[str]] = {state: set() for state in Status}
    for rule in RULES.values():
        if rule.to_status is not None:
            for state in rule.states:
                moves[state].add(rule.to_status)
    return moves


def actors_of(scope: StaffScope | None, report: Report) -> set[Actor]:
    """What a staff member is for this report: its coordinator, an operator of its lead OPD, both, or neither."""
    if scope is None:
        return set()
    kinds = set()
    if scope.coordinator:
        kinds.add(Actor.COORDINATOR)
    if report.lead_unit_id is not None and report.lead_unit_id in scope.operator_units:
        kinds.add(Actor.OPERATOR)
    return kinds


def refusal(action: str, report: Report, *, actors: set[Actor]) -> str | None:
    """Why `actors` may not do `action` to `report` now, in the reader's language; None when they may."""
    rule = RULES[action]
    if report.merged_into_id and action not in AFTER_MERGE:
        target = report.merged_into
        return _("This report was merged into %(code)s; work on that one.") % {"code": target.code if target else ""}
    if not (rule.actors | rule.stand_in) & actors:
        if rule.actors <= {Actor.COORDINATOR, Actor.SYSTEM}:
            return _("Only an admin koordinator can do this.")
        if rule.actors == {Actor.OPERATOR}:
            return _("Only an operator of the OPD handling this report can do this.")
        if Actor.OPERATOR in rule.actors:
            return _("Only the coordinator and the handling OPD can add notes.")
        return _("Only the reporter can do this.")
    if report.status not in rule.states:
        return _("This report is %(status)s now, so it cannot be %(action)s.") % {
            "status": Status(report.status).label,
            "action": rule.done,
        }
    return None


# Actions that file the report under its place for good: a report that came with a map point in no imported
# kelurahan boundary has no kelurahan yet, and gets it in the same step.
NEEDS_PLACE = frozenset({"verify"})


def place_refusal(action: str, report: Report, *, setting_place: bool) -> str | None:
    """Why `action` cannot be done without choosing the report's kelurahan; None when it can."""
    if action in NEEDS_PLACE and report.kelurahan_id is None and not setting_place:
        return _("Set the kelurahan or desa before verifying: the reporter gave only a map point.")
    return None


def staff_refusal(action: str, scope: StaffScope | None, report: Report) -> str | None:
    return refusal(action, report, actors=actors_of(scope, report))


def staff_actions(scope: StaffScope, report: Report) -> list[str]:
    """The actions this staff member may take on this report now, in the table's order (the page's buttons);
    a stand-in's actions are not offered."""
    actors = actors_of(scope, report)
    return [
        name
        for name, rule in RULES.items()
        if rule.staff_button and rule.actors & actors and refusal(name, report, actors=actors) is None
    ]


def reporter_actions(report: Report) -> list[str]:
    """What the reporter may do now through their private page or the API (the page's forms)."""
    return [
        name
        for name, rule in RULES.items()
        if rule.actors == {Actor.REPORTER} and refusal(name, report, actors={Actor.REPORTER}) is None
    ]
