from django.urls import path

from . import export_views, map_views, views

app_name = "dasbor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("peta/", map_views.map_page, name="map"),
    path("peta/titik.json", map_views.map_points_json, name="map_points"),
    path("ekspor/", export_views.exports, name="exports"),
    path("ekspor/<uuid:public_id>/unduh/", export_views.export_download, name="export_download"),
]
