"""The freshness rule: what makes a unit's website stale, with the reason in words an editor acts on.

A site is stale when any of these holds (each a reason):
- no news published in the last NEWS_DAYS days;
- the profile, or the list of services, not reviewed in the last REVIEW_DAYS days;
- a mandatory part empty (tugas dan fungsi, visi-misi, contact, at least one public service);
- a published page links to a page of a Balai site that does not exist or is not published;
- a published document whose file is missing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from .models import PREFIXES, Kind, Page, PageStatus, Site

NEWS_DAYS = 30
REVIEW_DAYS = 365
SECTIONS = frozenset({"profil", "layanan", "berita", "agenda", "dokumen", "galeri", "kontak", "ppid", "feed", "cari"})
LINK = re.compile(r"(?<![\w/.])/({})/([a-z0-9-]+)/(?:([a-z0-9-]+)/)?".format("|".join(sorted(set(PREFIXES.values())))))


def stale_reasons(sites: list[Site], now: datetime) -> dict[int, list[str]]:
    """Each stale site's reasons (site pk -> list); a current site is absent. A fixed number of queries."""
    ids = [s.pk for s in sites]
    if not ids:
        return {}
    figures = {
        row["site_id"]: row
        for row in Page.objects.filter(site_id__in=ids, status=PageStatus.PUBLISHED)
        .order_by()
        .values("site_id")
        .annotate(
            last_news=Max("published_at", filter=Q(kind=Kind.NEWS)),
            services=Count("id", filter=Q(kind=Kind.SERVICE)),
        )
    }
    broken = _broken_links(ids)
    missing = _missing_documents(ids)
    news_since, review_since = now - timedelta(days=NEWS_DAYS), now - timedelta(days=REVIEW_DAYS)
    out: dict[int, list[str]] = {}
    for site in sites:
        row = figures.get(site.pk, {})
        reasons = []
        last_news = row.get("last_news")
        if last_news is None or last_news < news_since:
            reasons.append(_("No news published in the last %(days)d days.") % {"days": NEWS_DAYS})
        if site.profile_reviewed_at is None or site.profile_reviewed_at < review_since:
            reasons.append(_("The profile has not been reviewed for a year."))
        if site.services_reviewed_at is None or site.services_reviewed_at < review_since:
            reasons.append(_("The public services have not been reviewed for a year."))
        empty = [
            label
            for label, value in (
                (_("duties and functions"), site.tugas_fungsi),
                (_("vision and mission"), site.visi_misi),
                (_("contact"), site.address or site.phone or site.email),
            )
            if not value.strip()
        ]
        if not row.get("services"):
            empty.append(_("public services"))
        if empty:
            reasons.append(_("Mandatory parts are empty: %(parts)s.") % {"parts": ", ".join(str(e) for e in empty)})
        reasons += [
            _("The page “%(title)s” links to %(link)s, which does not exist.") % {"title": title, "link": link}
            for title, link in broken.get(site.pk, [])[:3]
        ]
        reasons += [
            _("The file of the document “%(title)s” is missing.") % {"title": title}
            for title in missing.get(site.pk, [])[:3]
        ]
        if reasons:
            out[site.pk] = reasons
    return out


def _broken_links(site_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    linking = list(
        Page.objects.filter(site_id__in=site_ids, status=PageStatus.PUBLISHED)
        .filter(
            Q(body__contains="/opd/")
            | Q(body__contains="/kecamatan/")
            | Q(body__contains="/kelurahan/")
            | Q(body__contains="/desa/")
        )
        .values_list("site_id", "title", "body")
    )
    if not linking:
        return {}
    found = [(site_id, title, m) for site_id, title, body in linking for m in LINK.finditer(body)]
    units = {m.group(2) for _s, _t, m in found}
    live_sites = {
        (PREFIXES.get(kind, "opd"), slug): pk
        for pk, kind, slug in Site.objects.filter(is_active=True, unit__slug__in=units).values_list(
            "pk", "unit__kind", "unit__slug"
        )
    }
    live_pages = set(Page.objects.published().filter(site_id__in=live_sites.values()).values_list("site_id", "slug"))
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for site_id, title, m in found:
        prefix, unit, slug = m.group(1), m.group(2), m.group(3)
        target = live_sites.get((prefix, unit))
        if target is None or (slug and slug not in SECTIONS and (target, slug) not in live_pages):
            out[site_id].append((title, m.group(0)))
    return out


def _missing_documents(site_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for site_id, title, name in Page.objects.filter(
        site_id__in=site_ids, status=PageStatus.PUBLISHED, kind=Kind.DOCUMENT
    ).values_list("site_id", "title", "document"):
        if not name or not default_storage.exists(name):
            out[site_id].append(title)
    return out
