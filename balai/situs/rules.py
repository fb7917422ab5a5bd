"""Who may do what to a site's page in which state: the one table the services enforce and the staff pages read.

An actor is what a person is *for this site*: an editor (the unit's "website editor" role), a publisher (the
unit's "website publisher" role, the unit's head, or the system administrator) or the worker (scheduled
publishing). When the Pemda switches review off for a unit, its editors are publishers too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.access import StaffScope

from .models import PageStatus, Site

MODULE = "situs"
EDITOR_ROLE = "editor"
PUBLISHER_ROLE = "penerbit"


class Actor(StrEnum):
    EDITOR = "editor"
    PUBLISHER = "publisher"
    ADMIN = "admin"  # the system administrator: site settings (the review switch, the host, activation)
    SYSTEM = "system"


S = PageStatus
ED, PUB, ADM, SYS = Actor.EDITOR, Actor.PUBLISHER, Actor.ADMIN, Actor.SYSTEM
ALL = frozenset(S)


@dataclass(frozen=True)
class Rule:
    states: dict[Actor, frozenset[str]]  # per actor: the states the action starts from
    done: Any  # past participle for "cannot be %(done)s"
    button: bool = True


def _r(done: Any, button: bool = True, **states: frozenset[str]) -> Rule:
    return Rule({Actor(k): v for k, v in states.items()}, done, button)


EDITABLE = frozenset({S.DRAFT, S.REVIEW, S.SCHEDULED, S.UNPUBLISHED})
# Not a stored status: a published page whose draft (changes an editor saved) waits to be published. Editing a
# published page always makes such a draft; the page online changes only when a publisher publishes it.
CHANGED = "changed"
ONLINE = frozenset({S.PUBLISHED, CHANGED})


def state_of(page: Any) -> str:
    """The state the table is read in: the page's status, or CHANGED for a published page with a waiting draft."""
    if page.status == S.PUBLISHED and page.draft:
        return CHANGED
    return str(page.status)


def state_label(state: str) -> str:
    if state == CHANGED:
        return _("published, with changes waiting to be published")
    return str(PageStatus(state).label)


# Page actions; the order is the order of the buttons on the edit page.
RULES: dict[str, Rule] = {
    "edit": _r(gettext_lazy("edited"), False, editor=EDITABLE | ONLINE, publisher=ALL | ONLINE, system=ALL | ONLINE),
    "submit": _r(gettext_lazy("sent for review"), editor=frozenset({S.DRAFT, S.UNPUBLISHED, CHANGED})),
    "publish": _r(
        gettext_lazy("published"),
        publisher=frozenset({S.DRAFT, S.REVIEW, S.SCHEDULED, S.UNPUBLISHED, CHANGED}),
        # The worker publishes scheduled pages; `balai situs import-wordpress` publishes what was public there.
        system=frozenset({S.SCHEDULED, S.DRAFT, S.UNPUBLISHED}),
    ),
    "send_back": _r(gettext_lazy("sent back"), publisher=frozenset({S.REVIEW})),
    "unpublish": _r(
        gettext_lazy("taken offline"),
        publisher=frozenset({S.PUBLISHED, S.SCHEDULED, CHANGED}),
        system=frozenset({S.PUBLISHED, CHANGED}),
    ),
    "rollback": _r(gettext_lazy("rolled back"), False, editor=EDITABLE, publisher=ALL),
}
# Site actions (no state).
SITE_RULES: dict[str, frozenset[Actor]] = {
    "create_page": frozenset({ED, PUB}),
    "profile": frozenset({ED, PUB}),
    "settings": frozenset({ADM}),
}


def actors_for(scope: StaffScope | None, site: Site) -> frozenset[Actor]:
    """What this person is for this site (the worker passes scope=None)."""
    if scope is None:
        return frozenset({SYS})
    unit_id = site.unit_id
    found: set[Actor] = set()
    if unit_id in scope.units_with(MODULE, EDITOR_ROLE):
        found.add(ED)
        if not site.review_required:
            found.add(PUB)
    if unit_id in scope.units_with(MODULE, PUBLISHER_ROLE) or unit_id in scope.head_units or scope.admin:
        found.add(PUB)
    if scope.admin:
        found.add(ADM)
    return frozenset(found)


def can_see(scope: StaffScope, site: Site) -> bool:
    """Whether the person may open the site's staff pages (drafts, previews): anyone with an actor role there."""
    return bool(actors_for(scope, site))


def refusal(action: str, *, actors: frozenset[Actor], status: str) -> str | None:
    """Why `action` may not be done on a page in `status` by these actors, or None when it may."""
    rule = RULES[action]
    if any(status in rule.states.get(actor, frozenset()) for actor in actors):
        return None
    if not any(actor in rule.states for actor in actors):
        return _("You may not do this on this website's pages.")
    return _("A page that is %(status)s cannot be %(done)s.") % {
        "status": state_label(status),
        "done": rule.done,
    }


def site_refusal(action: str, *, actors: frozenset[Actor]) -> str | None:
    if actors & SITE_RULES[action]:
        return None
    return _("You may not do this on this website.")


def allowed_buttons(actors: frozenset[Actor], status: str) -> list[str]:
    return [name for name, rule in RULES.items() if rule.button and refusal(name, actors=actors, status=status) is None]
