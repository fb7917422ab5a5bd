"""The module registry: what each service module brings to the platform, declared once in its AppConfig.ready().

The platform (staff home, menus, worker, integrity check, backup, readiness, command center, search) asks this
registry and never imports a module. A module registers one `Module` with everything it contributes; anything it
does not bring is simply left empty. Modules are listed in INSTALLED_APPS order.

Cross-module events use a `Hook`: the module that fires it declares it (in its public `hooks.py`), a module above
it registers a receiver, and the firing module never learns who listens.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.core.files.storage import Storage
from django.utils.functional import Promise

from .access import StaffScope

Text = str | Promise  # a translatable text: a lazy gettext, rendered in the reader's language


@dataclass(frozen=True)
class ModuleRole:
    """A role a membership can carry for this module (operator for reports, editor for the website, …)."""

    code: str
    label: Text
    description: Text
    # Holders of this role are the unit's operators for this module: readiness asks that every OPD has one.
    operates: bool = False
    # Only meaningful for the Pemda as a whole (coordinator), not per OPD.
    pemda_wide: bool = False
    # A fresh superuser gets every Pemda-wide role so that the staff pages know them (core's
    # superuser_roles_grant); not a role that checks the others' work, which must go to another person
    # (separation of duties: the atasan PPID answers objections against the PPID utama's decisions).
    given_to_installer: bool = True


@dataclass(frozen=True)
class MenuEntry:
    """A link in the staff or public menu; `visible` decides per person (staff) and is skipped for the public."""

    label: Text
    url_name: str
    order: int = 50
    visible: Callable[[StaffScope], bool] | None = None
    place: str = "main"  # staff menu only: "main", or "account" (beside sign-in security and sign out)


@dataclass(frozen=True)
class WorkItem:
    """One line of 'my work': what, how many (already capped by the module), where to go."""

    key: str
    label: Text
    count: int
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class WorkSection:
    """A module's part of the staff home for one person; `template` may render more than the counts."""

    module: str
    title: Text
    items: list[WorkItem]
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


@dataclass(frozen=True)
class PeriodicCheck:
    """Work the worker runs every few minutes; it returns counts of what it did, for the log."""

    name: str
    run: Callable[[datetime], dict[str, int]]


# The check name of a file that nothing references: `balai integrity --fix-orphans` deletes these (and only these).
ORPHAN_FILE = "orphan-file"


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, what it is about (an id or a file name) and a line for a person."""

    check: str
    subject: str
    message: str


@dataclass(frozen=True)
class IntegrityCheck:
    """`find(storage, orphan_grace)`: the problems in this module's tables and files, in a fixed order.

    `orphan_grace` is how young an unreferenced file may be and still belong to a write in progress."""

    name: str
    find: Callable[[Storage, timedelta], list[Finding]]


@dataclass(frozen=True)
class Backlog:
    """A unit's pending work in one module: open items, new (not yet taken up), overdue, the oldest deadline."""

    open: int = 0
    new: int = 0
    overdue: int = 0
    oldest_due: datetime | None = None
    # Why the unit is overdue in this module, in the reader's language (the command center lists them under the
    # overdue flag): a stale website's reasons, for example.
    reasons: tuple[Text, ...] = ()


@dataclass(frozen=True)
class ReadinessSource:
    """How a module tells whether each OPD can run it: who operates it (a role) and the OPD's backlog."""

    role: str
    backlog: Callable[[list[int], datetime], dict[int, Backlog]]
    # Words for the overdue flag and its remedy, in the reader's language.
    overdue_rule: Text = ""
    overdue_remedy: Text = ""


@dataclass(frozen=True)
class Kpi:
    key: str
    label: Text
    value: int | float | None
    unit: Text = ""
    url: str = ""
    # One line saying what the figure counts, for a citizen (an OPD's website shows it under the figure).
    help: Text = ""


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    summary: str = ""
    kind: Text = ""
    when: datetime | None = None


@dataclass(frozen=True)
class GoLiveFinding:
    """The answer of one go-live check: done or not, what was found, and (when not done) what fixes it."""

    ok: bool
    detail: Text
    fix: Text = ""  # the exact command or setting, in the reader's language


@dataclass(frozen=True)
class GoLiveCheck:
    """One item of `balai doctor` and of the "First hour after install" checklist of docs/deploy.md.

    `title` names what must be true (it is also the checklist's item, which a test keeps in step with the guide);
    `run()` looks at the installation now."""

    key: str
    title: Text
    run: Callable[[], GoLiveFinding]


@dataclass(frozen=True)
class DatasetColumn:
    """One column of a generated dataset, for its data dictionary."""

    name: str
    title: Text
    description: Text = ""
    type: str = "string"  # string | integer | number | date | datetime | boolean


@dataclass(frozen=True)
class GeneratedDataset:
    """A table a module publishes as open data; the open-data module lists it in the catalogue and refreshes it.

    `rows()` yields one sequence per row in `columns` order and never carries personal data (names, contacts,
    identity numbers, the words of a confidential report): each module's public-output privacy test covers it."""

    key: str  # stable and unique across modules: "<module label>-<what>", used in URLs and CKAN names
    title: Text
    description: Text
    columns: tuple[DatasetColumn, ...]
    rows: Callable[[], Iterable[Sequence[Any]]]
    unit_slug: str | None = None  # the producing OPD; None: the Pemda as a whole
    frequency: str = "monthly"  # daily | weekly | monthly | quarterly | yearly
    tags: tuple[str, ...] = ()
    source_url: str = ""  # the live public page the table comes from (a path)


@dataclass(frozen=True)
class Evidence:
    """What a module's own data shows for one SPBE indicator (PermenPANRB 59/2020 numbering), computed now."""

    indicator: int
    title: Text
    facts: tuple[tuple[Text, str], ...]  # (what, value as displayed)
    as_of: datetime
    url: str = ""  # the live page that shows it (a path)


@dataclass(frozen=True)
class SitePanel:
    """A module's part of a unit's public website: the PPID page of an OPD, a kelurahan's KIM news, the
    complaint figures. Rendered by the website module with `template` and `context`; public data only."""

    key: str
    title: Text
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    url: str = ""  # the module's own page for more (a path)


@dataclass(frozen=True)
class DemoContext:
    """What `balai demo` hands each module: the demo Pemda, the password every demo login shares, a seeded
    random generator (the same data on every run)."""

    pemda: Any
    password: str
    rng: random.Random


@dataclass(frozen=True)
class UnitReadiness:
    """Whether one unit that is not an OPD (a kelurahan, a desa) keeps up with a module's work, and why not.

    The command center lists them grouped by `group` (a kecamatan, say), not-ready first; `state` is the module's
    short code ("ready" when nothing is wrong), `state_label` and `reason` are words for the reader."""

    unit_id: int
    unit_name: str
    group: str
    ready: bool
    state: str
    state_label: Text
    reason: Text = ""
    url: str = ""  # the module's page that shows why (a path)


@dataclass(frozen=True)
class ReportColumn:
    label: Text
    numeric: bool = False


@dataclass(frozen=True)
class ReportSection:
    """A module's part of the mayor's monthly PDF: a titled table (cells are text, whole numbers or None) and
    notes under it. Counts and sums only: never a person's name or a private text."""

    key: str  # ASCII letters, digits, - or _: the table's slug
    title: Text
    columns: tuple[ReportColumn, ...]
    rows: tuple[tuple[Any, ...], ...]
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Module:
    """Everything a service module brings to the platform. Only `label` and `name` are required."""

    label: str  # the Django app label
    name: Text
    roles: tuple[ModuleRole, ...] = ()
    staff_menu: tuple[MenuEntry, ...] = ()
    public_menu: tuple[MenuEntry, ...] = ()
    work: Callable[[Any, StaffScope, datetime], WorkSection | None] | None = None
    periodic: tuple[PeriodicCheck, ...] = ()
    integrity: tuple[IntegrityCheck, ...] = ()
    # Models whose rows a backup leaves out because they are rebuilt from others ("app.model", lower case).
    backup_rebuilt: tuple[str, ...] = ()
    readiness: ReadinessSource | None = None
    kpis: Callable[[frozenset[int] | None, datetime], list[Kpi]] | None = None
    search: Callable[[str, int], list[SearchHit]] | None = None
    # What must be true of this module's data before the installation goes live (`balai doctor`).
    go_live: tuple[GoLiveCheck, ...] = ()
    # `balai pemda setup` calls this (actor) once the Pemda and its standard OPD exist, inside the setup's
    # transaction: the module creates its own default rows (none twice) and returns lines for the operator.
    pemda_setup: Callable[[Any], list[str]] | None = None
    # Tables the module publishes as open data (the open-data module's catalogue).
    datasets: Callable[[], list[GeneratedDataset]] | None = None
    # What the module's data shows for SPBE indicators (the self-assessment's automatic evidence).
    evidence: Callable[[datetime], list[Evidence]] | None = None
    # The module's panels on a unit's public website (unit, now).
    site_panels: Callable[[Any, datetime], list[SitePanel]] | None = None
    # `balai demo` calls this after the platform's demo city exists; it must add nothing twice.
    demo: Callable[[DemoContext], None] | None = None
    # The demo's logins this module adds: (username, what the login shows), printed by `make run`.
    demo_logins: tuple[tuple[str, Text], ...] = ()
    # Units that are not OPD and whether each keeps up with this module (reach: None for the whole Pemda, else
    # the reader's units, a module counting the units under them too; now): the command center shows them.
    unit_readiness: Callable[[frozenset[int] | None, datetime], list[UnitReadiness]] | None = None
    # The module's sections of the mayor's monthly PDF for the whole Pemda (the month's first and last day).
    report_sections: Callable[[date, date], list[ReportSection]] | None = None

    def role(self, code: str) -> ModuleRole | None:
        return next((r for r in self.roles if r.code == code), None)


class RegistryError(Exception):
    pass


class Registry:
    def __init__(self) -> None:
        self._modules: dict[str, Module] = {}

    def register(self, module: Module) -> None:
        if module.label in self._modules and self._modules[module.label] != module:
            raise RegistryError(f"module {module.label!r} is registered twice")
        self._modules[module.label] = module

    def unregister(self, label: str) -> None:
        """For tests that register a module of their own."""
        self._modules.pop(label, None)

    def modules(self) -> list[Module]:
        from django.apps import apps

        order = {config.label: i for i, config in enumerate(apps.get_app_configs())}
        return sorted(self._modules.values(), key=lambda m: order.get(m.label, len(order)))

    def get(self, label: str) -> Module | None:
        return self._modules.get(label)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.modules())

    # --- what the platform asks ------------------------------------------------------------------------------

    def roles(self) -> list[tuple[Module, ModuleRole]]:
        return [(m, r) for m in self.modules() for r in m.roles]

    def staff_menu(self, scope: StaffScope) -> list[MenuEntry]:
        entries = [e for m in self.modules() for e in m.staff_menu if e.visible is None or e.visible(scope)]
        return sorted(entries, key=lambda e: e.order)

    def public_menu(self) -> list[MenuEntry]:
        return sorted((e for m in self.modules() for e in m.public_menu), key=lambda e: e.order)

    def work(self, request: Any, scope: StaffScope, now: datetime) -> list[WorkSection]:
        sections = [m.work(request, scope, now) for m in self.modules() if m.work is not None]
        return sorted((s for s in sections if s is not None), key=lambda s: s.order)

    def periodic(self) -> list[PeriodicCheck]:
        return [c for m in self.modules() for c in m.periodic]

    def integrity(self) -> list[IntegrityCheck]:
        return [c for m in self.modules() for c in m.integrity]

    def backup_rebuilt(self) -> set[str]:
        return {name for m in self.modules() for name in m.backup_rebuilt}

    def readiness(self) -> list[tuple[Module, ReadinessSource]]:
        return [(m, m.readiness) for m in self.modules() if m.readiness is not None]

    def go_live(self) -> list[GoLiveCheck]:
        return [c for m in self.modules() for c in m.go_live]

    def pemda_setup(self, actor: Any) -> list[str]:
        return [line for m in self.modules() if m.pemda_setup is not None for line in m.pemda_setup(actor)]

    def datasets(self) -> list[tuple[Module, GeneratedDataset]]:
        return [(m, d) for m in self.modules() if m.datasets is not None for d in m.datasets()]

    def evidence(self, now: datetime) -> list[tuple[Module, Evidence]]:
        return [(m, e) for m in self.modules() if m.evidence is not None for e in m.evidence(now)]

    def site_panels(self, unit: Any, now: datetime) -> list[SitePanel]:
        panels = [p for m in self.modules() if m.site_panels is not None for p in m.site_panels(unit, now)]
        return sorted(panels, key=lambda p: p.order)

    def demo(self, context: DemoContext) -> None:
        for module in self.modules():
            if module.demo is not None:
                module.demo(context)

    def demo_logins(self) -> list[tuple[str, Text]]:
        return [login for m in self.modules() for login in m.demo_logins]

    def search(self, query: str, limit: int) -> list[tuple[Module, list[SearchHit]]]:
        return [(m, m.search(query, limit)) for m in self.modules() if m.search is not None]

    def unit_readiness(
        self, unit_ids: frozenset[int] | None, now: datetime
    ) -> list[tuple[Module, list[UnitReadiness]]]:
        found = [(m, m.unit_readiness(unit_ids, now)) for m in self.modules() if m.unit_readiness is not None]
        return [(m, units) for m, units in found if units]

    def report_sections(self, first: date, last: date) -> list[tuple[Module, ReportSection]]:
        return [(m, s) for m in self.modules() if m.report_sections is not None for s in m.report_sections(first, last)]


registry = Registry()

R = TypeVar("R")


class Hook(Generic[R]):
    """A typed list of receivers: the module that fires the hook declares it, modules above it connect."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[R] = []

    def connect(self, receiver: R) -> None:
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def disconnect(self, receiver: R) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> Iterable[R]:
        return tuple(self._receivers)
