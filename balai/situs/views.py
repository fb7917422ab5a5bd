"""The public side: the portal (/portal/), each unit's site, the Atom feeds, /sitemap.xml and /robots.txt.

Every page works without JavaScript and reads only published pages of active sites (selectors)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from balai.core.registry import registry
from balai.lib.paging import KnownCountPaginator

from . import selectors
from .models import Kind, Official, Page, Site
from .selectors import NEWS_KINDS

PER_PAGE = 20
SEARCH_PER_MODULE = 10


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _last_updated(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def _site_context(request: HttpRequest, site: Site, section: str, pages: list[Page] | None = None) -> dict[str, Any]:
    pages = pages or []
    return {
        "site": site,
        "unit": site.unit,
        "section": section,
        "canonical": _absolute(request.path),
        "feed_url": reverse("situs:site_feed", args=[site.prefix, site.unit.slug]),
        "last_updated": _last_updated(site.updated_at, *(p.updated_at for p in pages)),
    }


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("halaman", "1")))
    except ValueError:
        return 1


# --- portal --------------------------------------------------------------------------------------------------


@require_safe
def portal(request: HttpRequest) -> HttpResponse:
    news = list(selectors.pages_public(kinds=NEWS_KINDS)[:10])
    return render(
        request,
        "situs/portal.html",
        {
            "news": news,
            "units_html": _portal_units(request),
            "canonical": _absolute(request.path),
            "feed_url": reverse("situs:portal_feed"),
            "last_updated": _last_updated(*(p.updated_at for p in news)),
        },
    )


def _portal_units(request: HttpRequest) -> str:
    """The list of every unit's site, kept rendered (per language) until a site or its unit changes: rendering a
    hundred sites cost the portal home more than all its queries."""
    key = f"situs:portal-units:{get_language()}:{selectors.sites_public_stamp()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("situs/_portal_units.html", {"sites": list(selectors.sites_public())}, request)
        cache.set(key, html, 600)  # and at most ten minutes, should a change bypass updated_at
    return mark_safe(html)  # noqa: S308 - our own template's output  # nosec


@require_safe
def portal_services(request: HttpRequest) -> HttpResponse:
    services = list(
        selectors.pages_public(kinds=(Kind.SERVICE,), q=request.GET.get("q", "")[:100]).order_by(
            "site__unit__name", "title"
        )[:500]
    )
    return render(
        request,
        "situs/portal_services.html",
        {
            "services": services,
            "q": request.GET.get("q", "")[:100],
            "canonical": _absolute(request.path),
            "feed_url": reverse("situs:portal_feed"),
            "last_updated": _last_updated(*(p.updated_at for p in services)),
        },
    )


@require_safe
def portal_search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:100]
    groups = []
    if len(query) >= 2:
        groups = [(module, hits) for module, hits in registry.search(query, SEARCH_PER_MODULE) if hits]
    return render(
        request,
        "situs/portal_search.html",
        {"q": query, "groups": groups, "canonical": _absolute(request.path), "feed_url": reverse("situs:portal_feed")},
    )


def _feed(title: str, link: str, feed_url: str, pages: list[Page]) -> HttpResponse:
    feed = Atom1Feed(title=title, link=_absolute(link), description="", feed_url=_absolute(feed_url), language="id")
    for page in pages:
        feed.add_item(
            title=page.title,
            link=_absolute(page.path),
            description=page.summary or page.body[:300],
            pubdate=page.published_at,
            updateddate=page.updated_at,
            unique_id=_absolute(page.path),
            author_name=page.site.unit.name,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_safe
def portal_feed(request: HttpRequest) -> HttpResponse:
    pemda = getattr(request, "pemda", None)
    title = pemda.name if pemda is not None else "Portal"
    return _feed(title, reverse("situs:portal"), request.path, list(selectors.pages_public(kinds=NEWS_KINDS)[:30]))


# --- a unit's site -------------------------------------------------------------------------------------------


@require_safe
def site_home(request: HttpRequest, prefix: str, unit: str) -> HttpResponse:
    site = selectors.site_public_get(prefix, unit)
    news = list(selectors.pages_public(site=site, kinds=NEWS_KINDS)[:5])
    services = list(selectors.pages_public(site=site, kinds=(Kind.SERVICE,)).order_by("title")[:8])
    agenda = list(selectors.pages_public(site=site, kinds=(Kind.AGENDA,)).order_by("-event_on")[:3])
    context = _site_context(request, site, "home", [*news, *services, *agenda])
    context.update(news=news, services=services, agenda=agenda, figures=_complaint_figures(site))
    return render(request, "situs/site_home.html", context)


def _complaint_figures(site: Site) -> list[Any]:
    """The unit's complaint figures: the reporting module's KPIs for this unit, read through the registry (other
    modules' figures are not about complaints: the PPID page and their own pages show theirs)."""
    lapor = registry.get("lapor")
    if lapor is None or lapor.kpis is None:
        return []
    return list(lapor.kpis(frozenset({site.unit_id}), timezone.now()))


@require_safe
def site_profile(request: HttpRequest, prefix: str, unit: str) -> HttpResponse:
    site = selectors.site_public_get(prefix, unit)
    context = _site_context(request, site, "profil")
    context["last_updated"] = _last_updated(site.profile_reviewed_at, site.updated_at)
    context["people"] = list(site.officials.all())
    return render(request, "situs/site_profile.html", context)


SECTIONS: dict[str, tuple[str, ...]] = {
    "berita": NEWS_KINDS,
    "layanan": (Kind.SERVICE,),
    "agenda": (Kind.AGENDA,),
    "dokumen": (Kind.DOCUMENT,),
    "galeri": (Kind.GALLERY,),
}


@require_safe
def site_section(request: HttpRequest, prefix: str, unit: str, section: str) -> HttpResponse:
    site = selectors.site_public_get(prefix, unit)
    kinds = SECTIONS[section]
    qs = selectors.pages_public(site=site, kinds=kinds)
    if section == "layanan":
        qs = qs.order_by("title")
    count = selectors.pages_public_count(site, kinds)
    page = KnownCountPaginator(qs, PER_PAGE, count=count).get_page(_page_number(request))
    context = _site_context(request, site, section, list(page.object_list))
    titles = {
        "berita": _("News and announcements"),
        "layanan": _("Public services"),
        "agenda": _("Agenda"),
        "dokumen": _("Documents"),
        "galeri": _("Gallery"),
    }
    context.update(page=page, pages=page.object_list, title=titles[section])
    return render(request, "situs/site_section.html", context)


@require_safe
def site_contact(request: HttpRequest, prefix: str, unit: str) -> HttpResponse:
    site = selectors.site_public_get(prefix, unit)
    context = _site_context(request, site, "kontak")
    if site.latitude is not None and site.longitude is not None:
        lat, lng = float(site.latitude), float(site.longitude)
        context["map_url"] = f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lng:.6f}#map=17/{lat:.6f}/{lng:.6f}"
        context.update(
            lat=f"{lat:.6f}",
            lng=f"{lng:.6f}",
            map_tiles=settings.MAP_TILE_URL,
            map_attribution=settings.MAP_ATTRIBUTION,
        )
    return render(request, "situs/site_contact.html", context)


@require_safe
def site_ppid(request: HttpRequest, prefix: str, unit: str) -> HttpResponse:
    """The PPID page: whatever panels the other modules give for this unit (information requests, DIP, …)."""
    site = selectors.site_public_get(prefix, unit)
    panels = registry.site_panels(site.unit, timezone.now())
    rendered = [
        (
            panel,
            # A template's output is already safe (autoescaped): no mark_safe needed.
            render_to_string(panel.template, {**panel.context, "panel": panel, "unit": site.unit}, request),
        )
        for panel in panels
    ]
    context = _site_context(request, site, "ppid")
    context["panels"] = rendered
    return render(request, "situs/site_ppid.html", context)


@require_safe
def site_feed(request: HttpRequest, prefix: str, unit: str) -> HttpResponse:
    site = selectors.site_public_get(prefix, unit)
    return _feed(
        site.unit.name, site.path, request.path, list(selectors.pages_public(site=site, kinds=NEWS_KINDS)[:30])
    )


@require_safe
def page_detail(request: HttpRequest, prefix: str, unit: str, page: str) -> HttpResponse:
    site = selectors.site_public_get(prefix, unit)
    item = selectors.page_public_get(site, page)
    return _render_page(request, site, item, preview=False)


def _render_page(request: HttpRequest, site: Site, item: Page, *, preview: bool) -> HttpResponse:
    context = _site_context(request, site, item.kind, [item])
    context.update(page=item, text=item.text, preview=preview, report_url=reverse("lapor:create"))
    if item.kind == Kind.SERVICE:
        from balai.lapor.selectors import categories_active

        # The complaint channel: the report form preset to the OPD's category (`?kategori=`), one link each when
        # the OPD handles several.
        form = reverse("lapor:create")
        categories = [
            (name, f"{form}?{urlencode({'kategori': slug})}")
            for name, slug in categories_active()
            .filter(default_unit_id=site.unit_id)
            .order_by("name")
            .values_list("name", "slug")
        ]
        context["categories"] = categories
        if len(categories) == 1:
            context["report_url"] = categories[0][1]
    return render(request, "situs/page_detail.html", context)


def file_response(name: str, *, public: bool, filename: str | None = None) -> FileResponse:
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"), as_attachment=filename is not None, filename=filename or ""
    )
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def page_photo(request: HttpRequest, prefix: str, unit: str, page: str, size: str) -> FileResponse:
    site = selectors.site_public_get(prefix, unit)
    item = selectors.page_public_get(site, page)
    return file_response(item.photo_small.name if size == "kecil" else item.photo.name, public=True)


@require_safe
def official_photo(request: HttpRequest, prefix: str, unit: str, pk: int) -> FileResponse:
    site = selectors.site_public_get(prefix, unit)
    item = get_object_or_404(Official, pk=pk, site=site)
    return file_response(item.photo_small.name, public=True)


@require_safe
def document_download(request: HttpRequest, prefix: str, unit: str, page: str) -> FileResponse:
    site = selectors.site_public_get(prefix, unit)
    item = selectors.page_public_get(site, page)
    if item.kind != Kind.DOCUMENT:
        raise Http404
    return file_response(item.document.name, public=True, filename=f"{item.slug}.{item.document_type}")


# --- for robots ----------------------------------------------------------------------------------------------


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every published page of every site, each site's sections, and the portal (one file: tens of thousands)."""
    urls: list[tuple[str, datetime | None]] = [
        (reverse("situs:portal"), None),
        (reverse("situs:portal_services"), None),
    ]
    for site in selectors.sites_public():
        urls.append((site.path, site.updated_at))
        urls += [(f"{site.path}{section}/", None) for section in ("profil", "layanan", "berita", "kontak")]
    pages = Page.objects.published().values_list("site__unit__kind", "site__unit__slug", "slug", "updated_at")
    from .models import PREFIXES

    urls += [
        (f"/{PREFIXES.get(kind, 'opd')}/{unit}/{slug}/", updated) for kind, unit, slug, updated in pages.iterator()
    ]
    body = "\n".join(
        f"<url><loc>{escape(_absolute(path))}</loc>"
        + (f"<lastmod>{when.date().isoformat()}</lastmod>" if when else "")
        + "</url>"
        for path, when in urls
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}\n</urlset>\n'
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /staf/",
        "Disallow: /lacak/",
        f"Sitemap: {_absolute(reverse('situs:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def staff_preview(request: HttpRequest, site: Site, item: Page) -> HttpResponse:
    """The page as the public will see it, for its editors (staff_views decides who may)."""
    response = _render_page(request, site, item, preview=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
