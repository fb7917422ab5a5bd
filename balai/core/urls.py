from django.contrib.auth import views as auth_views
from django.urls import path

from . import guide_views, views

app_name = "core"

urlpatterns = [
    path("masuk/", views.StaffLoginView.as_view(), name="login"),
    path("masuk/kode/", views.login_code, name="login_code"),
    path("keamanan/", views.security, name="security"),
    path("panduan/", guide_views.guide, name="guide"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.staff_home, name="staff_home"),
]
