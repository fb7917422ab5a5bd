"""Open311 GeoReport v2: discovery at /open311/discovery.{xml,json}, the endpoints under /open311/v2/."""

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(rf"^discovery{FORMAT}", views.discovery, name="discovery"),
    re_path(rf"^v2/services{FORMAT}", views.services, name="services"),
    re_path(rf"^v2/services/(?P<service_code>[^/]+){FORMAT}", views.service_definition, name="service_definition"),
    re_path(rf"^v2/requests{FORMAT}", views.service_requests, name="requests"),
    re_path(rf"^v2/requests/(?P<service_request_id>[^/]+){FORMAT}", views.service_request, name="request"),
    re_path(rf"^v2/tokens/(?P<token>[^/]+){FORMAT}", views.token, name="token"),
    # Anything else under /open311/ is a 404 in the spec's error format, never an HTML page.
    re_path(r"^.*$", views.not_found, name="not_found"),
]
