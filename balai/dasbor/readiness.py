"""Whether each OPD can run the applications: appointed operators, their recent activity and training, late work.

Bitung and Binjai ask that no OPD be unable to run the applications. An OPD is *ready* when none of the four
flags below is raised; each flag carries the rule it checks, in words a sekda can read. Every figure for every
OPD comes from a fixed number of queries, whatever the number of OPD or operators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balai.core.models import AuditEvent, Membership, Role, TrainingRecord, Unit
from balai.core.registry import Backlog, registry
from balai.core.selectors import pemda_current, work_calendar
from balai.lib.workdays import MAX_WORKING_DAYS, WorkCalendar

from .access import DashboardScope

# An OPD whose operators have neither signed in nor acted for this many working days is flagged.
ACTIVE_WITHIN_WORKING_DAYS = 10


class FlagCode(StrEnum):
    """The four ways an OPD is not ready, most serious first."""

    NO_OPERATOR = "no_operator"
    INACTIVE = "inactive"
    OVERDUE = "overdue"
    UNTRAINED = "untrained"


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


@dataclass(frozen=True)
class Operator:
    """An operator (admin penghubung) appointed to an OPD, with when they were last seen and what training they had."""

    user_id: int
    name: str
    username: str
    email: str
    appointed_on: date | None
    last_login: datetime | None
    last_action: datetime | None
    trainings: tuple[TrainingRecord, ...] = ()
    # The names of the modules this person operates at this OPD, in registry order.
    modules: tuple[str, ...] = ()

    @property
    def last_seen(self) -> datetime | None:
        """The later of the last sign-in and the last recorded action."""
        moments = [m for m in (self.last_login, self.last_action) if m is not None]
        return max(moments) if moments else None

    @property
    def trained(self) -> bool:
        return bool(self.trainings)


@dataclass(frozen=True)
class Flag:
    """One reason an OPD is not ready; the words are made when read, so each reader gets their own language.

    Days are the Pemda's local days, so an email written by the worker (in the server's time zone) says the same.
    """

    code: FlagCode
    count: int = 0
    since: date | None = None
    last_seen_on: date | None = None
    last_seen_by: str = ""
    oldest_due_on: date | None = None
    names: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        if self.code == FlagCode.NO_OPERATOR:
            return _("No appointed operator")
        if self.code == FlagCode.INACTIVE:
            return _("No operator active in the last %(days)d working days") % {"days": ACTIVE_WITHIN_WORKING_DAYS}
        if self.code == FlagCode.OVERDUE:
            return _("Overdue reports waiting")
        return _("Operator not yet trained")

    @property
    def rule(self) -> str:
        if self.code == FlagCode.NO_OPERATOR:
            return _(
                "Every OPD has at least one operator (admin penghubung) appointed in Balai, with an active account."
            )
        if self.code == FlagCode.INACTIVE:
            return _(
                "At least one operator signs in or does something in Balai within any %(days)d working days "
                "(weekends and holidays do not count)."
            ) % {"days": ACTIVE_WITHIN_WORKING_DAYS}
        if self.code == FlagCode.OVERDUE:
            return _("No report dispatched to the OPD stays open past its follow-up deadline.")
        return _("Every operator has attended a Bimtek or Diklat on Balai, or has read and confirmed the in-app guide.")

    @property
    def finding(self) -> str:
        if self.code == FlagCode.NO_OPERATOR:
            if self.names:
                return _("Nobody operates %(modules)s at this OPD.") % {
                    "modules": ", ".join(str(n) for n in self.names)
                }
            return _("Nobody holds the operator role for this OPD.")
        if self.code == FlagCode.INACTIVE:
            since = _day(self.since) if self.since else ""
            if self.last_seen_on is None:
                return _("No operator has ever signed in (checked from %(since)s).") % {"since": since}
            return _("The last operator activity was on %(day)s, by %(name)s (checked from %(since)s).") % {
                "day": _day(self.last_seen_on),
                "name": self.last_seen_by,
                "since": since,
            }
        if self.code == FlagCode.OVERDUE:
            text = ngettext(
                "%(n)d report is past its deadline", "%(n)d reports are past their deadline", self.count
            ) % {"n": self.count}
            if self.oldest_due_on is not None:
                text += "; " + _("the oldest was due on %(day)s") % {"day": _day(self.oldest_due_on)}
            return text + "."
        return _("Not yet trained: %(names)s.") % {"names": ", ".join(self.names)}

    @property
    def remedy(self) -> str:
        if self.code == FlagCode.NO_OPERATOR:
            return _(
                "The head of the OPD names an operator; the system administrator gives them the operator role "
                "on the OPD's page under Units and people."
            )
        if self.code == FlagCode.INACTIVE:
            return _("Ask the operators to sign in and work through the inbox; if they have moved on, appoint someone.")
        if self.code == FlagCode.OVERDUE:
            return _("Answer the overdue reports, or return those that are not this OPD's work to the coordinator.")
        return _("Enrol them in the next Bimtek, or ask them to read the guide in Balai and confirm it.")

    @property
    def blocking(self) -> bool:
        """Nobody can run the applications at this OPD, as opposed to a risk that it soon cannot."""
        return self.code in (FlagCode.NO_OPERATOR, FlagCode.INACTIVE)


_PER_OPERATOR = (FlagCode.INACTIVE, FlagCode.UNTRAINED)


def _latest(operators: Iterable[Operator]) -> tuple[datetime, str] | None:
    seen = [(o.last_seen, o.name) for o in operators if o.last_seen is not None]
    return max(seen) if seen else None  # type: ignore[arg-type]


@dataclass(frozen=True)
class Check:
    code: FlagCode
    state: str  # "ok", "fail" or "na"


@dataclass(frozen=True)
class ModuleReadiness:
    """One OPD in one module: its operators of that module, how many are trained, its backlog."""

    label: str
    name: Any  # lazy: rendered in the reader's language
    operators: int
    trained: int
    active: bool
    backlog: Backlog
    # When one of this module's operators at the OPD last signed in or acted.
    last_seen: datetime | None = None

    @property
    def appointed(self) -> bool:
        return self.operators > 0

    @property
    def state(self) -> dict[str, str]:
        """Each rule for this module alone, by flag code: "ok", "fail", or "na" (no operator to be active or
        trained). The OPD's own flags are these rules over all its modules together."""
        return {
            FlagCode.NO_OPERATOR: "ok" if self.appointed else "fail",
            FlagCode.INACTIVE: "na" if not self.appointed else "ok" if self.active else "fail",
            FlagCode.OVERDUE: "fail" if self.backlog.overdue else "ok",
            FlagCode.UNTRAINED: "na" if not self.appointed else "ok" if self.trained == self.operators else "fail",
        }

    @property
    def ready(self) -> bool:
        return "fail" not in self.state.values()


@dataclass(frozen=True)
class OpdReadiness:
    unit: Unit
    operators: tuple[Operator, ...]
    heads: tuple[str, ...]
    open: int
    new: int
    overdue: int
    oldest_due: datetime | None
    flags: tuple[Flag, ...]
    modules: tuple[ModuleReadiness, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.flags

    @property
    def trained_count(self) -> int:
        return sum(1 for o in self.operators if o.trained)

    @property
    def last_seen(self) -> tuple[datetime, str] | None:
        """When an operator of this OPD last signed in or acted, and who."""
        return _latest(self.operators)

    @property
    def checks(self) -> list[Check]:
        """Each rule in order: kept, broken, or not applicable (no operator to be active or trained)."""
        raised = {f.code for f in self.flags}
        return [
            Check(code, "fail" if code in raised else "na" if not self.operators and code in _PER_OPERATOR else "ok")
            for code in FlagCode
        ]

    def flag(self, code: str) -> Flag | None:
        return next((f for f in self.flags if f.code == code), None)


@dataclass(frozen=True)
class ReadinessSummary:
    """Every OPD a reader may see, not-ready first, and the moment the figures were taken."""

    opds: list[OpdReadiness]
    now: datetime
    active_since: date
    flag_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.opds)

    @property
    def ready_count(self) -> int:
        return sum(1 for o in self.opds if o.ready)

    @property
    def not_ready(self) -> list[OpdReadiness]:
        return [o for o in self.opds if not o.ready]

    @property
    def all_ready(self) -> bool:
        return self.ready_count == self.total


def active_window_start(calendar: WorkCalendar, now: datetime, days: int = ACTIVE_WITHIN_WORKING_DAYS) -> date:
    """The first local day of the last `days` working days up to today (today counts if it is a working day).

    Activity on that day or later counts as recent; an operator last seen the day before has gone `days`
    working days without signing in.
    """
    day = calendar.local_date(now)
    counted = 0
    # Bounded like the calendar's own arithmetic, so a calendar without working days cannot loop for ever.
    for _step in range(MAX_WORKING_DAYS):
        if calendar.is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day -= timedelta(days=1)
    return day


def _operator_memberships(unit_ids: list[int], operating: set[tuple[str, str]]) -> QuerySet[Membership]:
    """The OPD's operators of every module (the roles that `operate` a module) and its heads, with each one's
    last recorded action."""
    last_action = AuditEvent.objects.filter(actor_id=OuterRef("user_id")).order_by("-created_at").values("created_at")
    roles = Q(module="", role=Role.PIMPINAN)
    for module, role in operating:
        roles |= Q(module=module, role=role)
    return (
        Membership.objects.filter(roles, unit_id__in=unit_ids, is_active=True, user__is_active=True)
        .select_related("user")
        .annotate(last_action=Subquery(last_action[:1]))
        .order_by("user__first_name", "user__username")
    )


def _backlogs(unit_ids: list[int], now: datetime) -> dict[str, dict[int, Backlog]]:
    """Each module's backlog per OPD, as the module reports it through the registry."""
    return {module.label: source.backlog(unit_ids, now) for module, source in registry.readiness()}


def _flags(
    operators: tuple[Operator, ...],
    overdue: int,
    oldest_due: datetime | None,
    since: date,
    calendar: WorkCalendar,
    unappointed: tuple[Any, ...] = (),
) -> tuple[Flag, ...]:
    """`unappointed`: the names of the modules nobody operates at this OPD."""
    flags: list[Flag] = []
    if not operators:
        flags.append(Flag(FlagCode.NO_OPERATOR))
    else:
        if unappointed:  # some modules have operators, these have none: nobody can run them here
            flags.append(Flag(FlagCode.NO_OPERATOR, count=len(unappointed), names=unappointed))
        latest = _latest(operators)
        if latest is None or calendar.local_date(latest[0]) < since:
            flags.append(
                Flag(
                    FlagCode.INACTIVE,
                    since=since,
                    last_seen_on=calendar.local_date(latest[0]) if latest else None,
                    last_seen_by=latest[1] if latest else "",
                )
            )
    if overdue:
        flags.append(
            Flag(FlagCode.OVERDUE, count=overdue, oldest_due_on=calendar.local_date(oldest_due) if oldest_due else None)
        )
    untrained = tuple(o.name for o in operators if not o.trained)
    if untrained:
        flags.append(Flag(FlagCode.UNTRAINED, count=len(untrained), names=untrained))
    return tuple(flags)


def opd_readiness(
    *, unit_ids: Iterable[int] | None = None, now: datetime | None = None, calendar: WorkCalendar | None = None
) -> ReadinessSummary:
    """The readiness of the active OPD (all of them, or those in `unit_ids`), not-ready first.

    A fixed number of queries whatever the number of OPD and operators: the OPD, their operators (of every
    module) and heads with each one's last action, the operators' training, one backlog read per module, and the
    calendar's own days (unless given).
    """
    now = now or timezone.now()
    calendar = calendar or work_calendar(pemda_current())
    since = active_window_start(calendar, now)
    units_qs = Unit.objects.active().opd().order_by("name")
    if unit_ids is not None:
        units_qs = units_qs.filter(pk__in=list(unit_ids))
    units = list(units_qs)
    ids = [u.pk for u in units]

    sources = registry.readiness()
    operating = {(module.label, source.role) for module, source in sources}
    operators_of: dict[int, dict[int, Membership]] = defaultdict(dict)  # unit → user → one of their memberships
    module_operators: dict[tuple[int, str], set[int]] = defaultdict(set)  # (unit, module) → users
    heads_of: dict[int, list[str]] = defaultdict(list)
    for membership in _operator_memberships(ids, operating):
        if membership.module == "" and membership.role == Role.PIMPINAN:
            heads_of[membership.unit_id].append(_name(membership.user))
        else:
            operators_of[membership.unit_id].setdefault(membership.user_id, membership)
            module_operators[(membership.unit_id, membership.module)].add(membership.user_id)
    operator_user_ids = {user_id for users in operators_of.values() for user_id in users}
    trainings_of: dict[int, list[TrainingRecord]] = defaultdict(list)
    for record in TrainingRecord.objects.filter(user_id__in=operator_user_ids).order_by("-date", "-id"):
        trainings_of[record.user_id].append(record)
    backlogs = _backlogs(ids, now)

    opds = []
    for unit in units:
        operators = tuple(
            Operator(
                user_id=m.user_id,
                name=_name(m.user),
                username=m.user.get_username(),
                email=m.user.email,
                appointed_on=m.appointed_on,
                last_login=m.user.last_login,
                last_action=m.last_action,  # type: ignore[attr-defined]
                trainings=tuple(trainings_of.get(m.user_id, ())),
                modules=tuple(
                    str(module.name)
                    for module, _source in sources
                    if m.user_id in module_operators.get((unit.pk, module.label), ())
                ),
            )
            for m in operators_of.get(unit.pk, {}).values()
        )
        by_user = {o.user_id: o for o in operators}
        modules = []
        for module, _source in sources:
            users = [by_user[u] for u in module_operators.get((unit.pk, module.label), ()) if u in by_user]
            latest = _latest(users)
            modules.append(
                ModuleReadiness(
                    label=module.label,
                    name=module.name,
                    operators=len(users),
                    trained=sum(1 for o in users if o.trained),
                    active=latest is not None and calendar.local_date(latest[0]) >= since,
                    backlog=backlogs[module.label].get(unit.pk, Backlog()),
                    last_seen=latest[0] if latest else None,
                )
            )
        open_ = sum(m.backlog.open for m in modules)
        overdue = sum(m.backlog.overdue for m in modules)
        oldest = min((m.backlog.oldest_due for m in modules if m.backlog.oldest_due), default=None)
        opds.append(
            OpdReadiness(
                unit=unit,
                operators=operators,
                heads=tuple(heads_of.get(unit.pk, ())),
                open=open_,
                new=sum(m.backlog.new for m in modules),
                overdue=overdue,
                oldest_due=oldest,
                flags=_flags(
                    operators,
                    overdue,
                    oldest,
                    since,
                    calendar,
                    unappointed=tuple(m.name for m in modules if not m.operators),
                ),
                modules=tuple(modules),
            )
        )
    # Not ready first; among them, those where nobody can work, then the most flags, then the most overdue.
    opds.sort(key=lambda o: (o.ready, not any(f.blocking for f in o.flags), -len(o.flags), -o.overdue, o.unit.name))
    flag_counts = {code.value: sum(1 for o in opds if o.flag(code)) for code in FlagCode}
    return ReadinessSummary(opds=opds, now=now, active_since=since, flag_counts=flag_counts)


def access_opd_readiness_by_slug(
    dash: DashboardScope, slug: str, *, now: datetime | None = None, calendar: WorkCalendar | None = None
) -> OpdReadiness:
    """One OPD's readiness if this reader may see it; 404 otherwise, so a guessed slug reveals nothing."""
    unit = Unit.objects.active().opd().filter(slug=slug).only("pk").first()
    if unit is None or not dash.may_see_unit(unit.pk):
        raise Http404
    (found,) = opd_readiness(unit_ids=[unit.pk], now=now, calendar=calendar).opds
    return found


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())
