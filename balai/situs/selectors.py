"""Reads of the websites. Public selectors return published pages of active sites only; staff selectors take the
person's scope and answer 404 for a site they have no role in."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from balai.core.access import StaffScope

from . import rules, search
from .models import PREFIXES, Kind, Page, PageStatus, Revision, Site

NEWS_KINDS = (Kind.NEWS, Kind.ANNOUNCEMENT)
SEARCH_MAX = 500


def site_public_get(prefix: str, slug: str) -> Site:
    kinds = [kind for kind, p in PREFIXES.items() if p == prefix]
    site = Site.objects.select_related("unit").filter(is_active=True, unit__slug=slug, unit__kind__in=kinds).first()
    if site is None:
        raise Http404
    return site


def sites_public() -> QuerySet[Site]:
    return (
        Site.objects.filter(is_active=True, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__kind", "unit__name")
    )


def sites_public_stamp() -> str:
    """What changes whenever the public list of sites would: how many, and the latest change of a site or its unit
    (a rename, a deactivation). One aggregate query: the portal keeps the list's HTML under this stamp."""
    from django.db.models import Count, Max

    stamp = sites_public().aggregate(n=Count("pk"), site=Max("updated_at"), unit=Max("unit__updated_at"))
    return "-".join(str(int(v.timestamp() * 1000) if hasattr(v, "timestamp") else v) for v in stamp.values())


def pages_public(*, site: Site | None = None, kinds: tuple[str, ...] | None = None, q: str = "") -> QuerySet[Page]:
    qs = Page.objects.published().select_related("site__unit")
    if site is not None:
        qs = qs.filter(site=site)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if q:
        # Through the full-text index (search.py): the newest SEARCH_MAX pages having every word.
        qs = qs.filter(pk__in=search.page_ids(q, SEARCH_MAX, kinds=kinds or ()))
    return qs.order_by("-published_at", "-pk")


def pages_public_count(site: Site, kinds: tuple[str, ...]) -> int:
    """How many pages of these kinds the (public, active) site has, counted along its site-status-kind index alone
    (no row read). Pages past their end that the worker has not yet taken offline (a few minutes) are counted: the
    last page of a list may then be a little shorter than the count says."""
    return Page.objects.filter(site=site, status=PageStatus.PUBLISHED, kind__in=kinds).count()


def page_public_get(site: Site, slug: str) -> Page:
    page = Page.objects.published().filter(site=site, slug=slug).select_related("site__unit").first()
    if page is None:
        raise Http404
    return page


def site_for_staff(scope: StaffScope, slug: str) -> Site:
    """The site of unit `slug`, if this person has a role on it; 404 otherwise (as for another OPD's reports)."""
    site = Site.objects.select_related("unit").filter(unit__slug=slug).first()
    if site is None or not rules.can_see(scope, site):
        raise Http404
    return site


def sites_for_staff(scope: StaffScope) -> list[Site]:
    qs = Site.objects.select_related("unit").order_by("unit__kind", "unit__name")
    if not scope.admin:
        units = scope.units_with(rules.MODULE, rules.EDITOR_ROLE) | scope.units_with(rules.MODULE, rules.PUBLISHER_ROLE)
        qs = qs.filter(unit_id__in=units | scope.head_units)
    return list(qs)


def page_for_staff(scope: StaffScope, site_slug: str, page_slug: str) -> Page:
    site = site_for_staff(scope, site_slug)
    page = Page.objects.filter(site=site, slug=page_slug).select_related("site__unit").first()
    if page is None:
        raise Http404
    return page


@dataclass(frozen=True)
class FieldDiff:
    field: str
    lines: list[tuple[str, str]]  # (mark: "+", "-" or " ", text)


def revision_diff(page: Page, number: int) -> tuple[Revision, list[FieldDiff]]:
    """What revision `number` changed, field by field, line by line, against the one before it."""
    from .services import SNAPSHOT_FIELDS

    revisions = {r.number: r for r in Revision.objects.filter(page=page, number__in=[number - 1, number])}
    if number not in revisions:
        raise Http404
    new = revisions[number].snapshot
    old: dict[str, Any] = revisions[number - 1].snapshot if number - 1 in revisions else {}
    out = []
    for name in SNAPSHOT_FIELDS:
        a, b = str(old.get(name, "")), str(new.get(name, ""))
        if a == b:
            continue
        lines = [
            (line[0], line[2:])
            for line in difflib.ndiff(a.splitlines(), b.splitlines())
            if line[:1] in {"+", "-"} and line[1:2] == " "
        ]
        label = str(getattr(Page._meta.get_field(name), "verbose_name", name))
        out.append(FieldDiff(label, lines))
    return revisions[number], out
