"""What the PPID module brings to the platform, registered in PpidConfig.ready() (balai.core.registry)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import (
    Backlog,
    DatasetColumn,
    Evidence,
    GeneratedDataset,
    GoLiveCheck,
    GoLiveFinding,
    Kpi,
    MenuEntry,
    Module,
    ModuleRole,
    PeriodicCheck,
    ReadinessSource,
    SearchHit,
    SitePanel,
    WorkItem,
    WorkSection,
)

from . import rules
from .models import OPEN_STATES, InformationRequest, Status

SEARCH_LIMIT = 20


def _handles(scope: StaffScope) -> bool:
    from .selectors import handles_ppid

    return handles_ppid(scope)


def work(request: Any, scope: StaffScope, now: datetime) -> WorkSection | None:
    """My PPID work: requests to register, in hand, overdue, objections to answer."""
    from .selectors import is_atasan, is_utama, requests_visible_to

    if not _handles(scope):
        return None
    qs = requests_visible_to(scope).order_by()
    counts = qs.aggregate(
        new=Count("id", filter=Q(status=Status.DITERIMA)),
        open=Count("id", filter=Q(status__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATES, due_at__lt=now)),
        objections=Count("id", filter=Q(status=Status.KEBERATAN)),
    )
    inbox = reverse("ppid:staff_inbox")
    items = []
    if is_utama(scope):
        items.append(WorkItem("ppid.new", _("Requests to register"), counts["new"], inbox))
    items += [
        WorkItem("ppid.open", _("Requests in hand"), counts["open"], inbox),
        WorkItem(
            "ppid.overdue",
            _("Requests overdue"),
            counts["overdue"],
            f"{inbox}?tampilan=overdue",
            urgent=counts["overdue"] > 0,
        ),
    ]
    if is_atasan(scope) or is_utama(scope):
        items.append(WorkItem("ppid.objections", _("Objections to answer"), counts["objections"],
                              f"{inbox}?tampilan=objection", urgent=counts["objections"] > 0))  # fmt: skip
    return WorkSection(module="ppid", title=_("Public information (PPID)"), items=items, order=20)


def backlog(unit_ids: list[int], now: datetime) -> dict[int, Backlog]:
    rows = (
        InformationRequest.objects.filter(unit_id__in=unit_ids, status__in=OPEN_STATES)
        .order_by()
        .values("unit_id")
        .annotate(
            n_open=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            oldest_due=Min("due_at", filter=Q(due_at__lt=now)),
        )
    )
    return {
        r["unit_id"]: Backlog(open=r["n_open"], new=r["n_open"], overdue=r["overdue"], oldest_due=r["oldest_due"])
        for r in rows
    }


def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
    """On time %, median working days to the notice, objections: the last 12 months."""
    from .selectors import figures

    found = figures(now - timedelta(days=365), now, unit_ids)
    url = reverse("ppid:statistics")
    return [
        Kpi("ppid.on_time", _("Information requests answered on time"), found.on_time_percent, "%", url),
        Kpi("ppid.median_days", _("Median working days to the notice"), found.median_days, _("working days"), url),
        Kpi("ppid.objections", _("Objections to PPID answers"), found.objections, url=url),
    ]


def search(query: str, limit: int) -> list[SearchHit]:
    """The public register and the DIP (never a private or withheld request, never an identity)."""
    from .selectors import dip_public, register_public

    limit = min(limit, SEARCH_LIMIT)
    hits = [
        SearchHit(
            title=r.information[:120],
            url=reverse("ppid:register_detail", args=[r.code]),
            summary=r.answer[:200],
            kind=_("Information request"),
            when=r.notice_at,
        )
        for r in register_public(query)[:limit]
    ]
    hits += [
        SearchHit(
            title=e.title,
            url=f"{reverse('ppid:dip')}?q={e.title[:40]}",
            summary=e.summary[:200],
            kind=_("Public information list"),
        )
        for e in dip_public(q=query)[: max(0, limit - len(hits))]
    ]
    return hits


def periodic_deadlines(now: datetime) -> dict[str, int]:
    from .services import deadlines_check

    return deadlines_check(now)


def periodic_retention(now: datetime) -> dict[str, int]:
    from .services import identity_retention

    return identity_retention(now)


def datasets() -> list[GeneratedDataset]:
    from .selectors import dip_public, monthly_statistics

    def dip_rows() -> Any:
        for e in dip_public():
            yield (e.unit.name if e.unit else "", e.title, e.summary, e.official, e.made_when_where,
                   e.get_form_display(), e.retention, e.get_category_display())  # fmt: skip

    return [
        GeneratedDataset(
            key="ppid-statistik-bulanan",
            title=_("Public information requests per month and OPD"),
            description=_("Requests received, answered, refused and objected to, per month and OPD (counts only)."),
            columns=(
                DatasetColumn("bulan", _("month"), type="string"),
                DatasetColumn("opd", _("OPD"), type="string"),
                DatasetColumn("diterima", _("received"), type="integer"),
                DatasetColumn("dijawab", _("answered"), type="integer"),
                DatasetColumn("ditolak", _("refused"), type="integer"),
                DatasetColumn("keberatan", _("objections"), type="integer"),
            ),
            rows=monthly_statistics,
            tags=("ppid", "keterbukaan informasi"),
            source_url=reverse("ppid:statistics"),
        ),
        GeneratedDataset(
            key="ppid-dip",
            title=_("Public information list (DIP)"),
            description=_("The Daftar Informasi Publik of every OPD and of the Pemda."),
            columns=tuple(
                DatasetColumn(n, t)
                for n, t in (
                    ("opd", _("OPD")),
                    ("judul", _("title")),
                    ("ringkasan", _("summary")),
                    ("pejabat", _("official responsible")),
                    ("waktu_tempat", _("time and place made")),
                    ("bentuk", _("form")),
                    ("retensi", _("retention period")),
                    ("kategori", _("category")),
                )
            ),
            rows=dip_rows,
            frequency="monthly",
            tags=("ppid", "dip"),
            source_url=reverse("ppid:dip"),
        ),
    ]


def evidence(now: datetime) -> list[Evidence]:
    """SPBE indicator 42 (public complaint service, aspect 8 Layanan Publik) is the nearest service indicator the
    PPID's electronic requests serve: PermenPANRB 59/2020 has no indicator of its own for information requests,
    so the title says what is shown."""
    from .models import DipEntry
    from .selectors import figures

    found = figures(now - timedelta(days=365), now)
    return [
        Evidence(
            indicator=42,
            title=_("Electronic public information service (PPID): requests and answers online, last 12 months"),
            facts=(
                (_("Requests received"), str(found.received)),
                (_("Answered on time (%)"), "-" if found.on_time_percent is None else str(found.on_time_percent)),
                (_("Entries in the public information lists"), str(DipEntry.objects.filter(is_active=True).count())),
            ),
            as_of=now,
            url=reverse("ppid:statistics"),
        )
    ]


def site_panels(unit: Any, now: datetime) -> list[SitePanel]:
    """An OPD's PPID page: its DIP and the request form with the OPD chosen."""
    from .selectors import dip_public

    entries = list(dip_public(unit_slug=unit.slug)[:10])
    return [
        SitePanel(
            key="ppid",
            title=_("Public information (PPID)"),
            template="ppid/_site_panel.html",
            context={
                "unit": unit,
                "entries": entries,
                "request_url": f"{reverse('ppid:create')}?opd={unit.slug}",
                "dip_url": f"{reverse('ppid:dip')}?opd={unit.slug}",
            },
            url=f"{reverse('ppid:dip')}?opd={unit.slug}",
        )
    ]


def utama_ready() -> GoLiveFinding:
    from balai.core.models import Membership

    names = sorted(
        Membership.objects.filter(module="ppid", role=rules.UTAMA, is_active=True, user__is_active=True)
        .values_list("user__username", flat=True)
        .distinct()
    )
    if names:
        return GoLiveFinding(True, _("PPID utama: %(names)s.") % {"names": ", ".join(names)})
    return GoLiveFinding(
        False,
        _("Nobody holds the PPID utama role, so information requests would wait unregistered."),
        _('Give the role "PPID utama" to a person of Diskominfo at /staf/unit/ (the unit\'s people and roles).'),
    )


def demo(context: Any) -> None:
    from .demo import load

    load(context)


MODULE = Module(
    label="ppid",
    name=_("Public information (PPID)"),
    roles=(
        ModuleRole(
            rules.UTAMA,
            _("PPID utama"),
            _("Registers information requests, forwards them to the OPD, answers them; keeps the DIP."),
            pemda_wide=True,
        ),
        ModuleRole(
            rules.PELAKSANA,
            _("PPID pelaksana"),
            _("Answers the information requests forwarded to the OPD and keeps the OPD's DIP."),
            operates=True,
        ),
        ModuleRole(
            rules.ATASAN,
            _("Atasan PPID"),
            _("Answers objections (keberatan) to the PPID's decisions."),
            pemda_wide=True,
            given_to_installer=False,  # the PPID's superior answers objections against the PPID utama
        ),
    ),
    staff_menu=(
        MenuEntry(_("Information requests"), "ppid:staff_inbox", order=15, visible=_handles),
        MenuEntry(_("DIP"), "ppid:staff_dip", order=16, visible=_handles),
    ),
    public_menu=(MenuEntry(_("Public information"), "ppid:home", order=40),),
    work=work,
    periodic=(
        PeriodicCheck("ppid.deadlines", periodic_deadlines),
        PeriodicCheck("ppid.identity_retention", periodic_retention),
    ),
    readiness=ReadinessSource(
        role=rules.PELAKSANA,
        backlog=backlog,
        overdue_rule=_("No information request forwarded to the OPD stays without a notice past its deadline."),
        overdue_remedy=_(
            "Give the written notice, extend once with a reason, or return the request to the PPID utama."
        ),
    ),
    kpis=kpis,
    search=search,
    go_live=(GoLiveCheck("ppid.utama", _("A PPID utama registers information requests"), utama_ready),),
    datasets=datasets,
    evidence=evidence,
    site_panels=site_panels,
    demo=demo,
    demo_logins=(
        ("ppid.utama", _("PPID utama at Diskominfo: registers and forwards information requests")),
        ("ppid.pupr", _("PPID pelaksana of Dinas PUPR: answers what is forwarded to the OPD")),
        ("ppid.atasan", _("Atasan PPID: answers objections")),
    ),
)
