from django.urls import path

from . import export_views, map_views, readiness_views, views

app_name = "dasbor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("peta/", map_views.map_page, name="map"),
    path("peta/titik.json", map_views.map_points_json, name="map_points"),
    path("kesiapan/", readiness_views.readiness, name="readiness"),
    path("kesiapan/<slug:slug>/", readiness_views.readiness_detail, name="readiness_detail"),
    path("ekspor/", export_views.exports, name="exports"),
    path("ekspor/<uuid:public_id>/unduh/", export_views.export_download, name="export_download"),
]
