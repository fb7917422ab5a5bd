from django.urls import path

from . import views

app_name = "dasbor"

urlpatterns = [
    path("", views.overview, name="overview"),
]
