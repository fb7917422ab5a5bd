from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("masuk/", views.StaffLoginView.as_view(), name="login"),
    path("masuk/kode/", views.login_code, name="login_code"),
    path("keamanan/", views.security, name="security"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
