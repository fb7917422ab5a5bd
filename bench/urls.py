"""Balai's URLs plus the baseline insert that the intake figure is divided by."""

from django.urls import include, path

from bench.baseline import views

urlpatterns = [
    path("_bench/insert", views.insert, name="bench_insert"),
    path("", include("balai.urls")),
]
