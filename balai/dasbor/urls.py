from django.urls import path

from . import map_views, views

app_name = "dasbor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("peta/", map_views.map_page, name="map"),
    path("peta/titik.json", map_views.map_points_json, name="map_points"),
]
