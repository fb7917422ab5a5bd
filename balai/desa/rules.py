"""Who may do what to a village report or a KIM post in which state: the one table the services enforce and the
staff pages read (buttons and services cannot disagree).

`refusal()` returns the reason an action is not allowed, in the reader's language, or None when it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.access import StaffScope

from .models import PostStatus, SubmissionStatus

MODULE = "desa"


class Role(StrEnum):
    """The module's roles (membership.role with module="desa")."""

    LURAH = "lurah"  # lurah or kepala desa: their own kelurahan/desa unit
    CAMAT = "camat"  # their kecamatan unit: reviews the kecamatan's kelurahan
    PEMERINTAHAN = "pemerintahan"  # Bagian Pemerintahan (the mayor's office): reads every report
    KIM = "kim"  # a KIM member (tied to their KIM through KimMember.user)
    MODERATOR = "moderator_kim"  # Diskominfo: moderates KIM posts, keeps the KIM registry


class Actor(StrEnum):
    SENDER = "sender"
    CAMAT = "camat"
    OFFICE = "office"
    SYSTEM = "system"


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    states: frozenset[str]
    to_status: str | None
    done: Any


S = SubmissionStatus
EDITABLE = frozenset({"", S.DRAFT, S.RETURNED})  # "" : not yet saved
READABLE = frozenset({S.SENT, S.ACCEPTED})

SUBMISSION_RULES: dict[str, Rule] = {
    "save": Rule(frozenset({Actor.SENDER}), EDITABLE, None, gettext_lazy("changed")),
    "send": Rule(frozenset({Actor.SENDER}), EDITABLE, S.SENT, gettext_lazy("sent")),
    "accept": Rule(frozenset({Actor.CAMAT}), frozenset({S.SENT}), S.ACCEPTED, gettext_lazy("accepted")),
    "return": Rule(frozenset({Actor.CAMAT}), frozenset({S.SENT}), S.RETURNED, gettext_lazy("returned")),
    "comment": Rule(frozenset({Actor.OFFICE}), READABLE, None, gettext_lazy("commented on")),
    "follow_up": Rule(frozenset({Actor.OFFICE}), READABLE, None, gettext_lazy("given a follow-up")),
    "to_opd": Rule(frozenset({Actor.OFFICE, Actor.CAMAT}), READABLE, None, gettext_lazy("sent to an OPD")),
}


def submission_actors(scope: StaffScope, unit: Any) -> set[Actor]:
    """What this person is to a unit's report: its sender (lurah), its camat, the mayor's office."""
    actors: set[Actor] = set()
    if unit.pk in scope.units_with(MODULE, Role.LURAH):
        actors.add(Actor.SENDER)
    if unit.parent_id is not None and unit.parent_id in scope.units_with(MODULE, Role.CAMAT):
        actors.add(Actor.CAMAT)
    if scope.admin or scope.has(MODULE, Role.PEMERINTAHAN):
        actors.add(Actor.OFFICE)
    return actors


def submission_refusal(action: str, status: str, actors: set[Actor]) -> str | None:
    rule = SUBMISSION_RULES[action]
    if not actors & rule.actors:
        return _("You may not do this for this unit's report.")
    if status not in rule.states:
        return _("A report in this state cannot be %(done)s.") % {"done": rule.done}
    return None


def submission_actions(status: str, actors: set[Actor]) -> list[str]:
    return [a for a in SUBMISSION_RULES if submission_refusal(a, status, actors) is None]


P = PostStatus
POST_RULES: dict[str, Rule] = {
    "edit": Rule(frozenset({Actor.SENDER}), frozenset({P.RETURNED}), P.SUBMITTED, gettext_lazy("changed")),
    "approve": Rule(frozenset({Actor.OFFICE}), frozenset({P.SUBMITTED}), P.PUBLISHED, gettext_lazy("approved")),
    "return": Rule(frozenset({Actor.OFFICE}), frozenset({P.SUBMITTED}), P.RETURNED, gettext_lazy("returned")),
    "refuse": Rule(
        frozenset({Actor.OFFICE}), frozenset({P.SUBMITTED, P.PUBLISHED}), P.REFUSED, gettext_lazy("refused")
    ),
}


def post_actors(scope: StaffScope, kim: Any, member_kim_ids: frozenset[int]) -> set[Actor]:
    """The KIM's own members write; Diskominfo's moderators (and the system administrator) moderate."""
    actors: set[Actor] = set()
    if kim.pk in member_kim_ids:
        actors.add(Actor.SENDER)
    if scope.admin or scope.has(MODULE, Role.MODERATOR):
        actors.add(Actor.OFFICE)
    return actors


def post_refusal(action: str, status: str, actors: set[Actor]) -> str | None:
    rule = POST_RULES[action]
    if not actors & rule.actors:
        return _("You may not do this for this KIM's post.")
    if status not in rule.states:
        return _("A post in this state cannot be %(done)s.") % {"done": rule.done}
    return None


def post_actions(status: str, actors: set[Actor]) -> list[str]:
    return [a for a in POST_RULES if post_refusal(a, status, actors) is None]
