from __future__ import annotations

from django.urls import path

from . import staff_views, views

app_name = "ppid"


urlpatterns = [
    path("ppid/", views.home, name="home"),
    path("ppid/permohonan/", views.request_create, name="create"),
    path("ppid/terkirim/<str:code>/", views.request_sent, name="sent"),
    path("ppid/lacak/", views.track, name="track"),
    path("ppid/tautan-saya/", views.my_links, name="my_links"),
    path("ppid/lacak/<str:code>/", views.track_detail, name="track_detail"),
    path("ppid/lacak/<str:code>/<str:token>/", views.private, name="private"),
    path("ppid/lacak/<str:code>/<str:token>/pemberitahuan.pdf", views.notice_download, name="notice"),
    path("ppid/register/", views.register, name="register"),
    path("ppid/register/<str:code>/", views.register_detail, name="register_detail"),
    path("ppid/dokumen/<uuid:public_id>/", views.document, name="document"),
    path("ppid/dip/", views.dip, name="dip"),
    path("ppid/dik/", views.dip, {"exempt": True}, name="dik"),
    path("ppid/statistik/", views.statistics, name="statistics"),
    path("ppid/laporan.pdf", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("ppid/laporan.xlsx", views.report_download, {"fmt": "xlsx"}, name="report_xlsx"),
]

# The staff pages (under /staf/ppid/) share the namespace, so that balai/urls.py needs one line for the module.
urlpatterns += [
    path("staf/ppid/", staff_views.inbox, name="staff_inbox"),
    path("staf/ppid/baru/", staff_views.desk_entry, name="staff_desk"),
    path("staf/ppid/dari-laporan/", staff_views.from_report, name="staff_from_report"),
    path("staf/ppid/dip/", staff_views.dip_list, name="staff_dip"),
    path("staf/ppid/dip/baru/", staff_views.dip_edit, name="staff_dip_new"),
    path("staf/ppid/dip/<int:pk>/", staff_views.dip_edit, name="staff_dip_edit"),
    path("staf/ppid/<str:code>/", staff_views.request_detail, name="staff_request"),
    path("staf/ppid/<str:code>/pemberitahuan.pdf", staff_views.notice_pdf, name="staff_notice_pdf"),
    path("staf/ppid/<str:code>/berkas/<str:what>/", staff_views.identity_file, name="staff_identity_file"),
]
