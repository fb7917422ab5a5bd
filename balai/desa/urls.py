from __future__ import annotations

from django.urls import path

from . import views

app_name = "desa"

urlpatterns = [
    path("staf/desa/", views.home, name="home"),
    path("staf/desa/lapor/<slug:type_slug>/<slug:unit_slug>/<str:period>/", views.submission_form, name="form"),
    path("staf/desa/laporan/<uuid:public_id>/", views.submission_detail, name="submission"),
    path("staf/desa/laporan/<uuid:public_id>/lampiran/<int:pk>/", views.attachment, name="attachment"),
    path("staf/desa/matriks/", views.matrix, name="matrix"),
    path("staf/desa/kesiapan/", views.readiness, name="readiness"),
    path("staf/desa/angka/", views.figures, name="figures"),
    path("staf/desa/templat/<slug:type_slug>.xlsx", views.template_download, name="template"),
    path("staf/desa/email/", views.mail, name="mail"),
    path("staf/desa/kim/", views.kim_home, name="kim_home"),
    path("staf/desa/kim/daftar/", views.kim_registry, name="kim_registry"),
    path("staf/desa/kim/daftar/<slug:slug>/", views.kim_registry, name="kim_edit"),
    path("staf/desa/kim/daftar/<slug:slug>/sk.pdf", views.sk_scan, name="sk_scan"),
    path("staf/desa/kim/ikhtisar/", views.kim_overview, name="kim_overview"),
    path("staf/desa/kim/<slug:slug>/tulis/", views.post_new, name="post_new"),
    path("staf/desa/kim/<slug:slug>/teruskan/", views.relay, name="relay"),
    path("staf/desa/kim/pos/<uuid:public_id>/", views.post_detail, name="post"),
    path("kim/", views.kim_public, name="kim_public"),
    path("kim/berita/<uuid:public_id>/", views.post_public, name="post_public"),
    path("kim/berita/<uuid:public_id>/foto.jpg", views.post_photo, name="post_photo"),
    path("kim/<slug:slug>/", views.kim_detail, name="kim_detail"),
]
