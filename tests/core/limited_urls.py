"""Balai's URLs plus one view limited with django-ratelimit's decorator, to see the 429 page it leads to."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django_ratelimit.decorators import ratelimit

from balai.urls import urlpatterns as balai_urlpatterns


@ratelimit(key="ip", rate="1/m", block=True)
def limited(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("coba-batas/", limited), *balai_urlpatterns]
