"""Who may do what to a dataset in which state: the one table the services enforce and the staff pages read.

Actors: the data officer (petugas data) of the dataset's OPD, the walidata (Pemda-wide; the system administrator
acts as walidata) and the system (the worker's refresh of generated tables). `refusal()` returns why an action
is not allowed, in the reader's language, or None when it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.access import StaffScope

from .models import Dataset, State

MODULE = "data"
OFFICER_ROLE = "petugas_data"
WALIDATA_ROLE = "walidata"


class Actor(StrEnum):
    OFFICER = "officer"
    WALIDATA = "walidata"
    SYSTEM = "system"


class Action(StrEnum):
    EDIT = "edit"
    ADD_RESOURCE = "add_resource"
    SUBMIT = "submit"
    PUBLISH = "publish"
    RETURN = "return"
    UNPUBLISH = "unpublish"
    REFRESH = "refresh"


ALL = frozenset(State)


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    states: frozenset[str]
    to_state: str | None
    label: Any  # the button
    generated: bool = False  # allowed on a generated dataset (Balai keeps those itself)


RULES: dict[Action, Rule] = {
    Action.EDIT: Rule(frozenset({Actor.OFFICER, Actor.WALIDATA}), frozenset({State.DRAFT, State.SUBMITTED}), None,
                      gettext_lazy("Save")),
    Action.ADD_RESOURCE: Rule(frozenset({Actor.OFFICER, Actor.WALIDATA}), ALL, None, gettext_lazy("Upload")),
    Action.SUBMIT: Rule(frozenset({Actor.OFFICER, Actor.WALIDATA}), frozenset({State.DRAFT}), State.SUBMITTED,
                        gettext_lazy("Send to the walidata")),
    Action.PUBLISH: Rule(frozenset({Actor.WALIDATA}), frozenset({State.DRAFT, State.SUBMITTED}), State.PUBLISHED,
                         gettext_lazy("Publish")),
    Action.RETURN: Rule(frozenset({Actor.WALIDATA}), frozenset({State.SUBMITTED}), State.DRAFT,
                        gettext_lazy("Return to the OPD")),
    Action.UNPUBLISH: Rule(frozenset({Actor.WALIDATA}), frozenset({State.PUBLISHED}), State.DRAFT,
                           gettext_lazy("Withdraw from the catalogue")),
    Action.REFRESH: Rule(frozenset({Actor.SYSTEM}), ALL, None, "", generated=True),
}  # fmt: skip

STATE_ACTIONS = (Action.SUBMIT, Action.PUBLISH, Action.RETURN, Action.UNPUBLISH)


def is_walidata(scope: StaffScope) -> bool:
    return scope.admin or scope.has(MODULE, WALIDATA_ROLE)


def officer_units(scope: StaffScope) -> frozenset[int]:
    return scope.units_with(MODULE, OFFICER_ROLE)


def works_with_data(scope: StaffScope) -> bool:
    return is_walidata(scope) or bool(officer_units(scope))


def actors_for(scope: StaffScope | None, dataset: Dataset) -> set[Actor]:
    if scope is None:
        return {Actor.SYSTEM}
    actors = set()
    if is_walidata(scope):
        actors.add(Actor.WALIDATA)
    if dataset.unit_id in officer_units(scope):
        actors.add(Actor.OFFICER)
    return actors


def refusal(action: Action, dataset: Dataset, scope: StaffScope | None) -> str | None:
    """Why `action` is not allowed on `dataset` for this person (None: the system), or None when it is."""
    rule = RULES[action]
    if dataset.is_generated and not rule.generated:
        return _("Balai keeps this dataset itself from its own data; it cannot be changed by hand.")
    if not (actors_for(scope, dataset) & rule.actors):
        return _("You do not have the role for this.")
    if dataset.state not in rule.states:
        return _("Not possible while the dataset is “%(state)s”.") % {"state": State(dataset.state).label}
    return None


def allowed(action: Action, dataset: Dataset, scope: StaffScope | None) -> bool:
    return refusal(action, dataset, scope) is None


def buttons(dataset: Dataset, scope: StaffScope) -> list[tuple[str, Any]]:
    """The state actions this person may take now, for the staff page."""
    return [(a.value, RULES[a].label) for a in STATE_ACTIONS if allowed(a, dataset, scope)]
