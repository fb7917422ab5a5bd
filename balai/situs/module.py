"""What the websites bring to the platform, registered in SitusConfig.ready() (balai.core.registry)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import (
    Backlog,
    DatasetColumn,
    Evidence,
    GeneratedDataset,
    Kpi,
    MenuEntry,
    Module,
    ModuleRole,
    PeriodicCheck,
    ReadinessSource,
    SearchHit,
    WorkItem,
    WorkSection,
)

from .rules import EDITOR_ROLE, PUBLISHER_ROLE
from .rules import MODULE as LABEL

SEARCH_LIMIT = 20


def _edits(scope: StaffScope) -> bool:
    return bool(
        scope.admin
        or scope.sees_all
        or scope.head_units
        or scope.units_with(LABEL, EDITOR_ROLE)
        or scope.units_with(LABEL, PUBLISHER_ROLE)
    )


def work(request: Any, scope: StaffScope, now: datetime) -> WorkSection | None:
    """'My work' for the websites: pages waiting for my review, my unit's drafts, my stale sites."""
    editor = scope.units_with(LABEL, EDITOR_ROLE)
    publisher = scope.units_with(LABEL, PUBLISHER_ROLE) | scope.head_units
    if not (editor or publisher or scope.admin):
        return None
    from .freshness import stale_reasons
    from .models import Page, PageStatus, Site

    sites = list(Site.objects.filter(is_active=True, unit_id__in=editor | publisher).select_related("unit"))
    waiting = Page.objects.filter(site__unit_id__in=publisher, status=PageStatus.REVIEW).count()
    drafts = Page.objects.filter(site__unit_id__in=editor, status=PageStatus.DRAFT).count()
    stale = len(stale_reasons(sites, now))
    home = reverse("situs:staff_sites")
    items = [
        WorkItem("situs.review", _("Pages waiting for your review"), waiting, home, urgent=waiting > 0),
        WorkItem("situs.drafts", _("Drafts of your unit's website"), drafts, home),
        WorkItem("situs.stale", _("Stale websites"), stale, reverse("situs:staff_freshness"), urgent=stale > 0),
    ]
    return WorkSection(module=LABEL, title=_("Websites"), items=items, order=40)


def backlog(unit_ids: list[int], now: datetime) -> dict[int, Backlog]:
    """Per unit: pages waiting for review (open), drafts (new), and 1 overdue when the site is stale."""
    from .freshness import stale_reasons
    from .models import Page, PageStatus, Site

    sites = list(Site.objects.filter(is_active=True, unit_id__in=unit_ids).select_related("unit"))
    stale = stale_reasons(sites, now)
    counts = {
        row["site__unit_id"]: row
        for row in Page.objects.filter(site__in=sites)
        .order_by()
        .values("site__unit_id")
        .annotate(
            review=Count("id", filter=Q(status=PageStatus.REVIEW)),
            drafts=Count("id", filter=Q(status=PageStatus.DRAFT)),
        )
    }
    out = {}
    for site in sites:
        row = counts.get(site.unit_id, {})
        out[site.unit_id] = Backlog(
            open=row.get("review", 0),
            new=row.get("drafts", 0),
            overdue=1 if site.pk in stale else 0,
            reasons=tuple(stale.get(site.pk, ())),
        )
    return out


def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
    from .freshness import stale_reasons
    from .models import Page, Site

    sites = Site.objects.filter(is_active=True).select_related("unit")
    if unit_ids is not None:
        sites = sites.filter(unit_id__in=list(unit_ids))
    listed = list(sites)
    stale = len(stale_reasons(listed, now))
    pages = Page.objects.published().filter(site__in=listed).count()
    url = reverse("situs:staff_freshness")
    return [
        Kpi("situs.sites", _("Websites online"), len(listed), url=reverse("situs:portal")),
        Kpi("situs.stale", _("Stale websites"), stale, url=url),
        Kpi("situs.pages", _("Published web pages"), pages),
    ]


def search(query: str, limit: int) -> list[SearchHit]:
    """Published pages of every site whose title or summary has the words (the full-text index of search.py)."""
    from .models import Page
    from .search import page_ids

    ids = page_ids(query, min(limit, SEARCH_LIMIT))
    pages = Page.objects.filter(pk__in=ids).select_related("site__unit").order_by("-published_at", "-pk")
    return [
        SearchHit(
            title=page.text.title,  # in the visitor's language when the page has it
            url=page.path,
            summary=page.site.unit.name,
            kind=page.get_kind_display(),
            when=page.published_at,
        )
        for page in pages
    ]


def _site_rows() -> Iterable[Sequence[Any]]:
    from django.conf import settings

    from .models import Kind, Page
    from .selectors import sites_public

    figures = {
        row["site_id"]: row
        for row in Page.objects.published()
        .order_by()
        .values("site_id")
        .annotate(pages=Count("id"), last_news=Max("published_at", filter=Q(kind=Kind.NEWS)))
    }
    for site in sites_public():
        row = figures.get(site.pk, {})
        last = row.get("last_news")
        yield (
            site.unit.name,
            site.unit.get_kind_display(),
            f"{settings.SITE_URL}{site.path}",
            row.get("pages", 0),
            last.date().isoformat() if last else "",
        )


def _service_rows() -> Iterable[Sequence[Any]]:
    from django.conf import settings

    from .models import Kind
    from .selectors import pages_public

    for page in pages_public(kinds=(Kind.SERVICE,)).order_by("site__unit__name", "title"):
        yield (
            page.site.unit.name,
            page.title,
            page.requirements,
            page.duration,
            page.cost,
            page.product,
            f"{settings.SITE_URL}{page.path}",
        )


def datasets() -> list[GeneratedDataset]:
    return [
        GeneratedDataset(
            key="situs-websites",
            title=_("Websites of the Pemda's units"),
            description=_("Each unit's website, its published pages and the date of its latest news."),
            columns=(
                DatasetColumn("unit", _("Unit")),
                DatasetColumn("kind", _("Kind of unit")),
                DatasetColumn("url", _("Address")),
                DatasetColumn("pages", _("Published pages"), type="integer"),
                DatasetColumn("last_news", _("Latest news"), type="date"),
            ),
            rows=_site_rows,
            unit_slug="diskominfo",
            frequency="weekly",
            tags=("website", "spbe"),
            source_url="/portal/",
        ),
        GeneratedDataset(
            key="situs-services",
            title=_("Public services and their service standards"),
            description=_("Every public service the units publish: requirements, time, cost and product."),
            columns=(
                DatasetColumn("unit", _("Unit")),
                DatasetColumn("service", _("Service")),
                DatasetColumn("requirements", _("Requirements")),
                DatasetColumn("duration", _("Time to complete")),
                DatasetColumn("cost", _("Cost")),
                DatasetColumn("product", _("Product")),
                DatasetColumn("url", _("Address")),
            ),
            rows=_service_rows,
            unit_slug="diskominfo",
            frequency="weekly",
            tags=("pelayanan publik", "standar pelayanan"),
            source_url="/portal/layanan/",
        ),
    ]


def evidence(now: datetime) -> list[Evidence]:
    """Facts for the public-service indicators (45-47, Layanan Publik Sektor): which units publish their services'
    standards online. Information level only: the websites show, they do not transact."""
    from .freshness import stale_reasons
    from .models import Kind, Page, Site

    sites = list(Site.objects.filter(is_active=True).select_related("unit"))
    services = Page.objects.published().filter(kind=Kind.SERVICE)
    with_services = services.values("site_id").distinct().count()
    facts = (
        (_("Units with a website"), str(len(sites))),
        (_("Units publishing their public services"), str(with_services)),
        (_("Public services with a published standard"), str(services.count())),
        (_("Stale websites"), str(len(stale_reasons(sites, now)))),
    )
    return [
        Evidence(
            indicator=number,
            title=_("Public services published on the units' websites"),
            facts=facts,
            as_of=now,
            url="/portal/layanan/",
        )
        for number in (45, 46, 47)
    ]


def periodic_schedule(now: datetime) -> dict[str, int]:
    from .services import scheduled_run

    return scheduled_run(now)


def periodic_stale_mail(now: datetime) -> dict[str, int]:
    from .services import stale_mail_run

    return stale_mail_run(now)


def demo(context: Any) -> None:
    from .demo import demo_sites

    demo_sites(context)


MODULE = Module(
    label=LABEL,
    name=_("Websites"),
    roles=(
        ModuleRole(
            EDITOR_ROLE,
            _("website editor"),
            _("Writes the unit's website: news, services, documents; keeps its profile current."),
            operates=True,
        ),
        ModuleRole(
            PUBLISHER_ROLE,
            _("website publisher"),
            _("Reviews and publishes what the editors wrote (the unit head publishes too)."),
        ),
    ),
    staff_menu=(MenuEntry(_("Websites"), "situs:staff_sites", order=40, visible=_edits),),
    public_menu=(MenuEntry(_("Portal"), "situs:portal", order=40),),
    work=work,
    periodic=(
        PeriodicCheck("situs.schedule", periodic_schedule),
        PeriodicCheck("situs.stale_mail", periodic_stale_mail),
    ),
    readiness=ReadinessSource(
        role=EDITOR_ROLE,
        backlog=backlog,
        overdue_rule=_("The unit's website is current (news, reviewed profile and services, no broken links)."),
        overdue_remedy=_("Open Websites → Stale websites to see why, then update the website."),
    ),
    kpis=kpis,
    search=search,
    datasets=datasets,
    evidence=evidence,
    demo=demo,
    demo_logins=(
        ("editor.dinkes", _("website editor of Dinas Kesehatan (publishing needs review)")),
        ("penerbit.dinkes", _("website publisher of Dinas Kesehatan")),
    ),
)
