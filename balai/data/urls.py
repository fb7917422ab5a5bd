"""The open-data module's addresses: the public catalogue, the CKAN Action API, the staff screens."""

from __future__ import annotations

from django.urls import path

from . import ckan, views

app_name = "data"

urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/katalog.jsonld", views.catalogue_dcat, name="catalogue_dcat"),
    path("data/unduh/<str:resource_id>/", views.download, name="download"),
    path("data/<slug:name>/", views.dataset, name="dataset"),
    path("data/<slug:name>/dcat.jsonld", views.dataset_dcat, name="dataset_dcat"),
    path("api/3/action/<str:name>", ckan.action, name="ckan_action"),
    path("api/action/<str:name>", ckan.action, name="ckan_action_short"),
    path("api/3", views.ckan_index, name="ckan_index"),
    path("staf/data/", views.staff_list, name="staff_list"),
    path("staf/data/baru/", views.staff_create, name="staff_create"),
    path("staf/data/<str:dataset_id>/", views.staff_dataset, name="staff_dataset"),
    path("staf/data/<str:dataset_id>/ubah/", views.staff_edit, name="staff_edit"),
    path("staf/data/<str:dataset_id>/berkas/", views.staff_upload, name="staff_upload"),
    path("staf/data/<str:dataset_id>/keputusan/", views.staff_decide, name="staff_decide"),
]
