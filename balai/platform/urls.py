from django.urls import path

from . import guide_views, views

app_name = "platform"

urlpatterns = [
    path("panduan/", guide_views.guide, name="guide"),
    path("unit/", views.units, name="units"),
    path("unit/<slug:slug>/anggota/", views.unit_members, name="unit_members"),
    path("akun-terkunci/", views.locked_accounts, name="locked_accounts"),
    path("surat-tidak-terkirim/", views.undelivered_mail, name="undelivered_mail"),
    path("siap-tayang/", views.go_live, name="go_live"),
    path("", views.staff_home, name="staff_home"),
]
