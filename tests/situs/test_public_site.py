"""What a citizen and a search engine get: the site's pages with 'last updated', canonical and Open Graph tags,
the Atom feeds and the sitemap (parsed), robots.txt, the host rule, the PPID page filled by the registry's
panels, the OPD's complaint figures, and a light news page."""

from __future__ import annotations

import gzip
import html
import re
from datetime import datetime
from typing import Any

import pytest
from defusedxml import ElementTree
from django.test import Client

from balai.core.models import Unit
from balai.core.registry import Kpi, Module, SitePanel, registry
from balai.situs import services
from balai.situs.models import Kind

from .conftest import client_for, publish, write

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def news(sites: Any) -> Any:
    return publish(write(sites["dinkes"], summary="Imunisasi untuk balita.", body="Datang ke posyandu."))


def test_a_news_page_has_canonical_open_graph_feed_link_and_last_updated(news: Any) -> None:
    body = client_for().get(news.path).content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{news.path}">' in body
    assert '<link rel="alternate" type="application/atom+xml" href="/opd/dinkes/feed/"' in body
    assert f'<meta property="og:title" content="{news.title}">' in body
    assert '<meta property="og:type" content="article">' in body
    assert re.search(r'Last updated: <time datetime="\d{4}-\d\d-\d\dT', body)


@pytest.mark.parametrize(
    "path", ["", "profil/", "layanan/", "berita/", "agenda/", "dokumen/", "galeri/", "kontak/", "ppid/"]
)
def test_every_section_says_when_it_was_last_updated(news: Any, path: str) -> None:
    body = client_for().get(f"/opd/dinkes/{path}").content.decode()
    assert "Last updated: <time" in body and 'rel="canonical"' in body and 'rel="alternate"' in body


def test_the_site_and_portal_feeds_are_valid_atom(news: Any, sites: Any) -> None:
    other = publish(write(sites["dinas-pupr"], title="Perbaikan jalan Girian"))
    for url, titles in (("/opd/dinkes/feed/", {news.title}), ("/portal/feed/", {news.title, other.title})):
        response = client_for().get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.content)
        assert feed.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{required}") is not None
        entries = feed.findall(f"{ATOM}entry")
        assert {e.findtext(f"{ATOM}title") for e in entries} == titles
        for entry in entries:
            assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
            assert entry.find(f"{ATOM}link").get("href").startswith("http://127.0.0.1:8000/opd/")


def test_the_sitemap_lists_every_published_page_and_nothing_else(news: Any, sites: Any) -> None:
    draft = write(sites["dinkes"], title="Masih draf")
    response = client_for().get("/sitemap.xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert f"http://127.0.0.1:8000{news.path}" in locs
    assert f"http://127.0.0.1:8000{draft.path}" not in locs
    assert {
        "http://127.0.0.1:8000/portal/",
        "http://127.0.0.1:8000/opd/dinkes/",
        "http://127.0.0.1:8000/opd/dinas-pupr/",
    } <= set(locs)
    assert all(loc.startswith("http://127.0.0.1:8000/") for loc in locs)


def test_robots_txt_points_to_the_sitemap() -> None:
    body = Client().get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in body.splitlines()
    assert "Disallow: /staf/" in body


def test_a_mapped_go_id_host_serves_the_unit_site_at_its_root(news: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "dinkes.bitungkota.go.id", "pupr.example.go.id", "lain.bitungkota.go.id"]
    settings.SITUS_HOST_SUFFIX = "bitungkota.go.id"
    client = Client(HTTP_HOST="dinkes.bitungkota.go.id")
    assert news.title in client.get(f"/{news.slug}/").content.decode()
    assert client.get("/berita/").status_code == 200
    assert client.get(news.path).status_code == 200  # the path-based address still works there
    assert Client(HTTP_HOST="lain.bitungkota.go.id").get(f"/{news.slug}/").status_code == 404  # no such unit
    services.site_settings_update(
        actor=None, scope=None, site=news.site.__class__.objects.get(unit__slug="dinas-pupr"), version=None,
        review_required=True, host="pupr.example.go.id",
    )  # fmt: skip
    assert "Dinas Pekerjaan Umum" in Client(HTTP_HOST="pupr.example.go.id").get("/").content.decode()


def _panels(unit: Any, now: datetime) -> list[SitePanel]:
    return [SitePanel("contoh.dip", "Daftar Informasi Publik", "situs/_panel_facts.html",
                      {"facts": [("Informasi berkala", f"12 dokumen {unit.slug}")]}, url="/ppid/dip/")]  # fmt: skip


def _kpis(unit_ids: Any, now: datetime) -> list[Kpi]:
    return [Kpi("contoh.done", "Laporan selesai tepat waktu", 1234 if unit_ids else 0)]


@pytest.fixture
def panel_module() -> Any:
    registry.register(Module(label="contoh", name="Contoh", site_panels=_panels, kpis=_kpis))
    yield
    registry.unregister("contoh")


def test_the_ppid_page_renders_whatever_panels_the_registry_gives(sites: Any, panel_module: Any) -> None:
    body = client_for().get("/opd/dinkes/ppid/").content.decode()
    assert "Daftar Informasi Publik" in body and "12 dokumen dinkes" in body and 'href="/ppid/dip/"' in body


def test_without_panels_the_ppid_page_says_where_to_ask(sites: Any) -> None:
    givers = [m for m in registry.modules() if m.site_panels is not None]  # the PPID and KIM modules, when present
    for module in givers:
        registry.unregister(module.label)
    try:
        assert "Ask the office directly" in client_for().get("/opd/dinkes/ppid/").content.decode()
    finally:
        for module in givers:
            registry.register(module)


def test_the_home_shows_the_units_complaint_figures_from_the_registry(sites: Any, panel_module: Any) -> None:
    body = client_for().get("/opd/dinkes/").content.decode()
    assert "Laporan selesai tepat waktu" not in body  # only the reporting module's figures are about complaints
    assert "Reports in hand at OPD" in body  # the reporting module's own figure
    for label in ("Reports received (12 months)", "Finished within the deadline (12 months)",
                  "Median days to finish (12 months)", "Half of the finished reports took less time than this"):  # fmt: skip
        assert label in body
    assert "Published web pages" not in body  # the websites' own figures are not about complaints


def test_a_service_shows_its_standard_and_the_complaint_form(sites: Any) -> None:
    page = publish(write(sites["dinkes"], kind=Kind.SERVICE, title="Surat keterangan sehat",
                         requirements="KTP-el", duration="1 hari kerja", cost="Gratis"))  # fmt: skip
    body = client_for().get(page.path).content.decode()
    for text in ("KTP-el", "1 hari kerja", "Gratis", 'href="/lapor/?kategori=layanan-kesehatan"'):
        assert text in body  # Dinkes handles one category: the complaint button opens the form with it chosen
    form = client_for().get("/lapor/?kategori=layanan-kesehatan").content.decode()
    assert re.search(r'<option value="\d+" selected>Layanan kesehatan</option>', form)
    # Dinas PUPR handles two: the button opens the plain form, and each category has its own preset link.
    road = publish(write(sites["dinas-pupr"], kind=Kind.SERVICE, title="Izin galian jalan"))
    body = client_for().get(road.path).content.decode()
    assert 'href="/lapor/"' in body
    links = re.findall(r'href="/lapor/\?kategori=([a-z-]+)"', body)
    assert len(links) >= 2 and "jalan-rusak" in links
    assert "Surat keterangan sehat" in client_for().get("/portal/layanan/?q=sehat").content.decode()


def test_portal_search_finds_pages_of_every_site(news: Any, sites: Any) -> None:
    publish(write(sites["dinas-pupr"], title="Vaksinasi pekerja proyek"))
    body = client_for().get("/portal/cari/?q=vaksinasi").content.decode()
    assert news.title in body and "Vaksinasi pekerja proyek" in body


def test_a_news_page_weighs_at_most_30_kb_without_images(news: Any, settings: Any) -> None:
    """HTML and stylesheets, compressed as the server sends them (gzip, as WhiteNoise and nginx do)."""
    from django.contrib.staticfiles import finders

    body = client_for().get(news.path).content
    sheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', body.decode())
    weight = len(gzip.compress(body)) + sum(len(gzip.compress(open(finders.find(s), "rb").read())) for s in sheets)  # noqa: SIM115
    assert sheets and weight <= 30 * 1024, weight


def test_text_is_escaped_never_run(sites: Any) -> None:
    page = publish(write(sites["dinkes"], title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>"))
    body = client_for().get(page.path).content.decode()
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert html.escape("<img src=x onerror=alert(1)>") in body


def test_an_unknown_site_or_page_is_404(sites: Any) -> None:
    client = client_for()
    assert client.get("/opd/tidak-ada/").status_code == 404
    assert client.get("/kecamatan/dinkes/").status_code == 404  # Dinkes is an OPD, not a kecamatan
    assert client.get("/opd/dinkes/tidak-ada/").status_code == 404
    Unit.objects.filter(slug="dinkes").update(is_active=True)


def test_public_lists_cost_the_same_queries_for_few_or_many_pages(sites: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> dict[str, int]:
        counts = {}
        for url in ("/portal/", "/portal/layanan/", "/opd/dinkes/", "/opd/dinkes/berita/", "/portal/cari/?q=kegiatan"):
            client_for().get(url)  # warm the per-process caches
            with CaptureQueriesContext(connection) as captured:
                client_for().get(url)
            counts[url] = len(captured)
        return counts

    publish(write(sites["dinkes"], title="Kegiatan pertama"))
    few = queries()
    for n in range(12):
        publish(
            write(
                sites["dinkes"] if n % 2 else sites["dinas-pupr"],
                title=f"Kegiatan {n}",
                kind="berita" if n % 3 else "layanan",
            )
        )
    assert queries() == few


def test_the_portal_lists_every_units_site_and_a_change_shows_at_once(sites: Any) -> None:
    """The list of sites is kept rendered (per language) under a stamp of the sites and their units: a rename, a
    new site or a deactivated one shows on the next visit."""

    def section(language: str) -> str:
        client = client_for()
        client.cookies["django_language"] = language
        return client.get("/portal/").content.decode().split('id="units-title"')[1].split("</section>")[0]

    def listed() -> list[tuple[str, str]]:
        return re.findall(r'<li><a href="(/[^"]+/)">([^<]+)</a></li>', section("en"))

    assert listed() == [
        ("/opd/dinkes/", "Dinas Kesehatan"),
        ("/opd/dinas-pupr/", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ]
    headings = {language: re.findall(r"<h3>([^<]+)</h3>", section(language)) for language in ("en", "id")}
    assert headings["en"] != headings["id"]  # each language has its own copy of the list
    dinkes = Unit.objects.get(slug="dinkes")
    dinkes.name = "Dinas Kesehatan dan Keluarga Berencana"
    dinkes.save()
    assert ("/opd/dinkes/", "Dinas Kesehatan dan Keluarga Berencana") in listed()
    services.site_activate(actor=None, scope=None, unit=Unit.objects.exclude(slug__in=["dinkes", "dinas-pupr"]).first())
    assert len(listed()) == 3
    sites["dinas-pupr"].is_active = False
    sites["dinas-pupr"].save()
    assert "/opd/dinas-pupr/" not in dict(listed())


def test_the_contact_page_has_a_map_with_javascript_and_the_address_and_a_link_without(sites: Any) -> None:
    from decimal import Decimal

    site = services.site_profile_update(
        actor=None, scope=None, site=sites["dinkes"], version=None,
        data={"address": "Jl. Sam Ratulangi 1", "latitude": Decimal("1.445"), "longitude": Decimal("125.19")},
    )  # fmt: skip
    body = client_for().get(f"{site.path}kontak/").content.decode()
    assert 'id="office-map-box" hidden data-lat="1.445000" data-lng="125.190000"' in body  # shown by the script
    assert '<script src="/static/situs/contact-map.js" defer></script>' in body
    assert "Jl. Sam Ratulangi 1" in body and "openstreetmap.org/?mlat=1.445000&amp;mlon=125.190000" in body
    without = client_for().get("/opd/dinas-pupr/kontak/").content.decode()
    assert "office-map" not in without and "contact-map.js" not in without  # no place: no map, no script
