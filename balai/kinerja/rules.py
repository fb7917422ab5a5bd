"""Who may do what to a quarterly realisation (and the plan) in which state: the one table the services enforce
and the staff pages read. `refusal()` returns why not, in the reader's language, or None when allowed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from balai.core.access import StaffScope

from .models import RealisationStatus
from .roles import is_bappeda, officer_units


class Actor(StrEnum):
    OFFICER = "officer"  # a planning officer of the activity's OPD
    BAPPEDA = "bappeda"  # Bappeda's evaluator (or the system administrator)
    SYSTEM = "system"


NEW = ""  # no realisation saved yet for that quarter
S = RealisationStatus
EDITABLE = frozenset({NEW, S.DRAFT, S.RETURNED})
ANY = frozenset({NEW, *S.values})


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    states: frozenset[str]
    to_status: str | None


RULES: dict[str, Rule] = {
    # realisation of a sub kegiatan for one quarter
    "save": Rule(frozenset({Actor.OFFICER}), EDITABLE, None),
    "add_evidence": Rule(frozenset({Actor.OFFICER}), EDITABLE, None),
    "submit": Rule(frozenset({Actor.OFFICER}), frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED),
    "accept": Rule(frozenset({Actor.BAPPEDA}), frozenset({S.SUBMITTED}), S.ACCEPTED),
    "return": Rule(frozenset({Actor.BAPPEDA}), frozenset({S.SUBMITTED}), S.RETURNED),
    # the plan and its activities (no states)
    "import": Rule(frozenset({Actor.BAPPEDA}), ANY, None),
    "publish": Rule(frozenset({Actor.BAPPEDA}), ANY, None),
    "note": Rule(frozenset({Actor.BAPPEDA}), ANY, None),
    "link_report": Rule(frozenset({Actor.BAPPEDA}), ANY, None),
    "locate": Rule(frozenset({Actor.BAPPEDA, Actor.OFFICER}), ANY, None),
    # typed entry of the plan's rows (what no file holds): Bappeda for every OPD, an officer for their own
    "edit_plan": Rule(frozenset({Actor.BAPPEDA, Actor.OFFICER}), ANY, None),
    # typed entry of the medium-term plan: the RPJMD and its goals by Bappeda; an OPD's Renstra by Bappeda or the
    # OPD's own planning officer
    "edit_rpjmd": Rule(frozenset({Actor.BAPPEDA}), ANY, None),
    "edit_renstra": Rule(frozenset({Actor.BAPPEDA, Actor.OFFICER}), ANY, None),
    # removing what was typed by mistake (a goal, its indicator, a mission, an OPD's Renstra): Bappeda only
    "delete_medium_term": Rule(frozenset({Actor.BAPPEDA}), ANY, None),
    "remind": Rule(frozenset({Actor.SYSTEM}), ANY, None),
}


def actors_for(scope: StaffScope | None, unit_id: int | None) -> frozenset[Actor]:
    """Who this person is for rows of the given OPD (None: no OPD in particular); None scope: the system."""
    if scope is None:
        return frozenset({Actor.SYSTEM})
    actors = set()
    if is_bappeda(scope):
        actors.add(Actor.BAPPEDA)
    if unit_id is not None and unit_id in officer_units(scope):
        actors.add(Actor.OFFICER)
    return frozenset(actors)


def refusal(action: str, state: str, actors: frozenset[Actor]) -> str | None:
    rule = RULES[action]
    if not (rule.actors & actors):
        return _("You may not do this for this OPD.")
    if state not in rule.states:
        if state == NEW:
            return _("Not possible before the realisation is entered.")
        return _("Not possible while the realisation is %(status)s.") % {"status": S(state).label}
    return None


def allowed(action: str, state: str, actors: frozenset[Actor]) -> bool:
    return refusal(action, state, actors) is None
