from django.urls import path

from . import public_views

app_name = "statistik"

urlpatterns = [
    path("", public_views.statistics, name="statistics"),
    path("data/", public_views.open_data_page, name="open_data"),
    path("data/laporan.csv", public_views.open_data_reports, name="open_data_reports"),
]
