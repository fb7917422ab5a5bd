"""The websites' URLs: public (portal, unit sites, feeds, sitemap, robots) and the editors' pages under /staf/situs/."""

from __future__ import annotations

from django.urls import path, re_path, register_converter

from . import staff_views, views


class PrefixConverter:
    regex = "opd|kecamatan|kelurahan|desa"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SectionConverter:
    regex = "berita|layanan|agenda|dokumen|galeri"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PrefixConverter, "situsprefix")
register_converter(SectionConverter, "situssection")

app_name = "situs"

SITE = "<situsprefix:prefix>/<slug:unit>/"

urlpatterns = [
    path("robots.txt", views.robots, name="robots"),
    re_path(r"^sitemap\.xml$", views.sitemap, name="sitemap"),
    path("portal/", views.portal, name="portal"),
    path("portal/layanan/", views.portal_services, name="portal_services"),
    path("portal/cari/", views.portal_search, name="portal_search"),
    path("portal/feed/", views.portal_feed, name="portal_feed"),
    path(SITE, views.site_home, name="site_home"),
    path(f"{SITE}profil/", views.site_profile, name="site_profile"),
    path(f"{SITE}profil/pejabat-<int:pk>.jpg", views.official_photo, name="official_photo"),
    path(f"{SITE}kontak/", views.site_contact, name="site_contact"),
    path(f"{SITE}ppid/", views.site_ppid, name="site_ppid"),
    path(f"{SITE}feed/", views.site_feed, name="site_feed"),
    path(f"{SITE}<situssection:section>/", views.site_section, name="site_section"),
    path(f"{SITE}<slug:page>/", views.page_detail, name="page"),
    path(f"{SITE}<slug:page>/foto-<str:size>.jpg", views.page_photo, name="page_photo"),
    path(f"{SITE}<slug:page>/unduh/", views.document_download, name="document"),
    # The editors' pages
    path("staf/situs/", staff_views.site_list, name="staff_sites"),
    path("staf/situs/kesegaran/", staff_views.freshness, name="staff_freshness"),
    path("staf/situs/<slug:unit>/", staff_views.site_pages, name="staff_site"),
    path("staf/situs/<slug:unit>/profil/", staff_views.site_profile_edit, name="staff_profile"),
    path("staf/situs/<slug:unit>/pejabat/", staff_views.officials, name="staff_officials"),
    path("staf/situs/<slug:unit>/pejabat/<int:pk>/", staff_views.officials, name="staff_official"),
    path("staf/situs/<slug:unit>/pejabat/<int:pk>/hapus/", staff_views.official_remove, name="staff_official_remove"),
    path("staf/situs/<slug:unit>/pejabat/<int:pk>/foto.jpg", staff_views.official_photo, name="staff_official_photo"),
    path("staf/situs/<slug:unit>/pengaturan/", staff_views.site_settings, name="staff_settings"),
    path("staf/situs/<slug:unit>/aktifkan/", staff_views.site_activate, name="staff_activate"),
    path("staf/situs/<slug:unit>/baru/<str:kind>/", staff_views.page_new, name="staff_page_new"),
    path("staf/situs/<slug:unit>/halaman/<slug:page>/", staff_views.page_edit, name="staff_page"),
    path("staf/situs/<slug:unit>/halaman/<slug:page>/aksi/", staff_views.page_action, name="staff_page_action"),
    path("staf/situs/<slug:unit>/halaman/<slug:page>/pratinjau/", staff_views.page_preview, name="staff_preview"),
    path("staf/situs/<slug:unit>/halaman/<slug:page>/foto-<str:size>.jpg", staff_views.page_photo, name="staff_photo"),
    path("staf/situs/<slug:unit>/halaman/<slug:page>/revisi/", staff_views.page_revisions, name="staff_revisions"),
]
