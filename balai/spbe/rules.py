"""Who may do what to an assessment in which status: the one table the services enforce and the pages read.

`refusal()` says why an action is not allowed, in the reader's language, or None when it is. The framework
(indicators, weights, bands, a new year) is the system administrator's alone: `framework_refusal()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.access import StaffScope

from .models import Assessment, Status

MODULE = "spbe"
COORDINATOR_ROLE = "koordinator"
OFFICER_ROLE = "petugas"


class Actor(StrEnum):
    COORDINATOR = "coordinator"  # the SPBE coordinator (or the admin sistem)
    OFFICER = "officer"  # the officer responsible for this indicator


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    states: frozenset[str]
    to_status: str | None
    done: Any  # past participle for "cannot be %(action)s"
    staff_button: bool = True


CO, OF = Actor.COORDINATOR, Actor.OFFICER
OPEN = frozenset({Status.DRAFT, Status.RETURNED})
ALL = frozenset(Status)

# The order is the order of the buttons on the indicator page.
RULES: dict[str, Rule] = {
    "save": Rule(frozenset({OF, CO}), OPEN, None, gettext_lazy("changed"), False),
    "add_evidence": Rule(frozenset({OF, CO}), OPEN, None, gettext_lazy("given evidence"), False),
    "remove_evidence": Rule(frozenset({OF, CO}), OPEN, None, gettext_lazy("changed"), False),
    "submit": Rule(frozenset({OF, CO}), OPEN, Status.SUBMITTED, gettext_lazy("submitted")),
    "review": Rule(frozenset({CO}), frozenset({Status.SUBMITTED}), Status.REVIEWED, gettext_lazy("reviewed")),
    "return": Rule(
        frozenset({CO}), frozenset({Status.SUBMITTED, Status.REVIEWED}), Status.RETURNED, gettext_lazy("returned")
    ),
    "assign": Rule(frozenset({CO}), ALL, None, gettext_lazy("assigned"), False),
    "comment": Rule(frozenset({OF, CO}), ALL, None, gettext_lazy("commented"), False),
}


def is_coordinator(scope: StaffScope) -> bool:
    return scope.admin or scope.has(MODULE, COORDINATOR_ROLE)


def is_officer(scope: StaffScope) -> bool:
    return scope.has(MODULE, OFFICER_ROLE)


def reads_all(scope: StaffScope) -> bool:
    """Coordinator, admin and the leadership read every indicator; an officer only their own."""
    return is_coordinator(scope) or scope.leadership


def admitted(scope: StaffScope) -> bool:
    return reads_all(scope) or is_officer(scope)


def actors_of(scope: StaffScope | None, assessment: Assessment) -> set[Actor]:
    if scope is None:
        return set()
    kinds = set()
    if is_coordinator(scope):
        kinds.add(Actor.COORDINATOR)
    if assessment.officer_id is not None and assessment.officer_id == scope.user_id and is_officer(scope):
        kinds.add(Actor.OFFICER)
    return kinds


def refusal(action: str, assessment: Assessment, *, actors: set[Actor]) -> str | None:
    rule = RULES[action]
    if not rule.actors & actors:
        if rule.actors == {Actor.COORDINATOR}:
            return _("Only the SPBE coordinator can do this.")
        return _("Only the officer responsible for this indicator or the SPBE coordinator can do this.")
    if assessment.status not in rule.states:
        return _("This indicator is %(status)s now, so it cannot be %(action)s.") % {
            "status": Status(assessment.status).label,
            "action": rule.done,
        }
    return None


def staff_refusal(action: str, scope: StaffScope | None, assessment: Assessment) -> str | None:
    return refusal(action, assessment, actors=actors_of(scope, assessment))


def staff_actions(scope: StaffScope, assessment: Assessment) -> list[str]:
    """The buttons this person has on the indicator page now, in the table's order."""
    actors = actors_of(scope, assessment)
    return [
        name for name, rule in RULES.items() if rule.staff_button and refusal(name, assessment, actors=actors) is None
    ]


def may_read(scope: StaffScope, assessment: Assessment) -> bool:
    return reads_all(scope) or bool(actors_of(scope, assessment))


def framework_refusal(scope: StaffScope | None) -> str | None:
    if scope is None or not scope.admin:
        return _("Only the system administrator can change the SPBE framework.")
    return None
