"""Who may do what to an information request in which state: the one table services and pages both read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.access import StaffScope

from .models import InformationRequest, Status

MODULE = "ppid"
UTAMA, PELAKSANA, ATASAN = "utama", "pelaksana", "atasan"


class Actor(StrEnum):
    UTAMA = "utama"  # the PPID utama (or the system administrator)
    PELAKSANA = "pelaksana"  # the PPID pelaksana of the OPD the request was forwarded to
    ATASAN = "atasan"  # the PPID's superior, who answers objections
    REQUESTER = "requester"  # whoever holds the private link
    SYSTEM = "system"  # the worker's periodic checks


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    states: frozenset[str]
    to_status: str | None
    done: Any  # past participle for "cannot be %(action)s"
    staff_button: bool = True


U, P, A, R, S = Actor.UTAMA, Actor.PELAKSANA, Actor.ATASAN, Actor.REQUESTER, Actor.SYSTEM
OPEN = frozenset({Status.DITERIMA, Status.DITERUSKAN})
ANSWERED = frozenset({Status.DIJAWAB, Status.KEBERATAN, Status.KEBERATAN_DIJAWAB})
ALL = frozenset(Status)


def _rule(
    actors: set[Actor], states: frozenset[str] | set[str], to: str | None, done: Any, button: bool = True
) -> Rule:
    return Rule(frozenset(actors), frozenset(states), to, done, button)


# The order is the order of the forms on the staff page.
RULES: dict[str, Rule] = {
    "forward": _rule({U}, {Status.DITERIMA}, Status.DITERUSKAN, gettext_lazy("forwarded")),
    "return": _rule({P}, {Status.DITERUSKAN}, Status.DITERIMA, gettext_lazy("returned")),
    "extend": _rule({U, P}, OPEN, None, gettext_lazy("extended")),
    "notice": _rule({U, P}, OPEN, Status.DIJAWAB, gettext_lazy("answered")),
    "attach": _rule({U, P}, ANSWERED, None, gettext_lazy("given documents")),
    "publication": _rule({U}, ALL, None, gettext_lazy("withheld or published")),
    "objection_answer": _rule({A}, {Status.KEBERATAN}, Status.KEBERATAN_DIJAWAB, gettext_lazy("answered")),
    "dispute": _rule({U, A}, {Status.KEBERATAN, Status.KEBERATAN_DIJAWAB}, None, gettext_lazy("given a dispute")),
    "view_identity": _rule({U, P}, ALL, None, gettext_lazy("opened"), False),
    # The requester, through the private link.
    "object": _rule({R}, {*OPEN, Status.DIJAWAB}, Status.KEBERATAN, gettext_lazy("objected to"), False),
    # The worker.
    "remind": _rule({S}, OPEN, None, gettext_lazy("reminded"), False),
    "escalate": _rule({S}, OPEN | {Status.KEBERATAN}, None, gettext_lazy("escalated"), False),
    "erase_identity": _rule({S}, ANSWERED, None, gettext_lazy("erased"), False),
}


def actors_of(scope: StaffScope | None, request: InformationRequest) -> set[Actor]:
    """What a staff member is for this request."""
    if scope is None:
        return set()
    kinds: set[Actor] = set()
    if scope.admin or scope.has(MODULE, UTAMA):
        kinds.add(Actor.UTAMA)
    if request.unit_id is not None and request.unit_id in scope.units_with(MODULE, PELAKSANA):
        kinds.add(Actor.PELAKSANA)
    if scope.admin or scope.has(MODULE, ATASAN):
        kinds.add(Actor.ATASAN)
    return kinds


def refusal(action: str, request: InformationRequest, *, actors: set[Actor]) -> str | None:
    """Why `action` is not allowed now, in the reader's language; None when it is."""
    rule = RULES[action]
    if not actors & rule.actors:
        return _("You may not do this to this request.")
    if request.status not in rule.states:
        return _("A request that is %(status)s cannot be %(action)s.") % {
            "status": request.get_status_display(),
            "action": rule.done,
        }
    if action == "extend" and request.extended_at is not None:
        return _("The deadline was already extended once; the law allows one extension.")
    if action == "erase_identity" and request.identity_erased_at is not None:
        return _("The identity data was already erased.")
    return None


def staff_actions(scope: StaffScope, request: InformationRequest) -> list[str]:
    """The forms the staff page shows: the actions this person may take now."""
    actors = actors_of(scope, request)
    return [name for name, rule in RULES.items() if rule.staff_button and refusal(name, request, actors=actors) is None]
