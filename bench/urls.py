"""Balai's URLs plus the bench-only ones: the intake baselines and the home page's stale figures."""

from django.urls import include, path

from bench.baseline import views

urlpatterns = [
    path("_bench/insert", views.insert, name="bench_insert"),
    path("_bench/same-writes", views.same_writes, name="bench_same_writes"),
    path("_bench/home-figures-stale", views.home_figures_stale, name="bench_home_figures_stale"),
    path("", include("balai.urls")),
]
