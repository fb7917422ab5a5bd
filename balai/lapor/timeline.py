"""The sentences Balai writes on a report's timeline by itself: stored as a code and its parameters, worded in the
reader's language when shown (pages, API, Open311, emails), so an event written by an Indonesian-speaking officer
reads in English to an English reader and the other way round. People's own words stay in `note` as typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext as _


def _choice_label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _archived(p: Mapping[str, Any]) -> str:
    from .models import ArchiveReason

    text = _choice_label(ArchiveReason, p.get("reason"))
    if p.get("days"):
        text = f"{text}\n" + _("No answer from the reporter within %(n)d working days.") % {"n": int(p["days"])}
    return text


def _questionnaire(p: Mapping[str, Any]) -> str:
    from .models import FixedAnswer

    return _choice_label(FixedAnswer, p.get("answer"))


# code -> how to word it now. Each takes the event's parameters; a missing parameter is a programming error.
SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "dispatched": lambda p: _("Sent to %(unit)s for follow-up.") % {"unit": p["unit"]},
    "accepted": lambda p: _("The OPD is working on it."),
    "returned": lambda p: _("Returned by %(unit)s.") % {"unit": p.get("unit") or "OPD"},
    "attached": lambda p: _("Attached %(name)s.") % {"name": p["name"]},
    "clarified": lambda p: _("The reporter answered."),
    "rated": lambda p: _("Rated %(n)d of 5.") % {"n": int(p["n"])},
    "reopened": lambda p: _("Reopened by the reporter: the problem is not solved yet."),
    "questionnaire": _questionnaire,
    "not_authority": lambda p: _("Not the authority of the Pemda. Please turn to: %(where)s") % {"where": p["where"]},
    "archived": _archived,
    "merged_into": lambda p: _("Merged into report %(code)s, which is followed instead.") % {"code": p["code"]},
    "moved_to_ppid": lambda p: (
        _(
            "This is a request for public information: it continues with the PPID as request %(number)s (tracking "
            "code %(code)s), with the deadlines of UU 14/2008."
        )
        % {"number": p["number"], "code": p["code"]}
    ),
    "merged_from": lambda p: _("Report %(code)s was merged into this one.") % {"code": p["code"]},
    "escalation.due_soon": lambda p: _("Due within one working day: the operators were reminded."),
    "escalation.overdue_head": lambda p: _("Overdue: escalated to the head of the OPD."),
    "escalation.overdue_coordinator": lambda p: _("Still overdue: escalated to the coordinator."),
    "escalation.verify_overdue": lambda p: _("Verification is overdue: the coordinators were reminded."),
}


def sentence(code: str, params: Mapping[str, Any] | None) -> str:
    """The generated sentence of `code` in the active language; "" for an event without one."""
    if not code:
        return ""
    return SENTENCES[code](params or {})


def event_text(code: str, params: Mapping[str, Any] | None, note: str) -> str:
    """What a timeline shows for an event: the generated sentence, then the person's own words (or, for an
    event written before codes existed and not recognised, its stored text as is)."""
    return "\n".join(part for part in (sentence(code, params), note) if part)


# The same, worded only when rendered (an email's context is built before its language is switched on).
sentence_lazy = lazy(sentence, str)
