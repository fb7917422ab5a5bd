from django.contrib import admin
from django.urls import include, path

from balai.core import views as core_views
from balai.core.health import healthz, readyz

admin.site.site_header = "Balai"
admin.site.site_title = "Balai"

urlpatterns = [
    path("open311/", include("balai.api.open311.urls")),
    path("staf/laporan/", include("balai.lapor.staff_urls")),
    path("staf/dasbor/", include("balai.dasbor.urls")),
    path("statistik/", include("balai.dasbor.public_urls")),
    path("staf/", include("balai.core.urls")),
    path("staf/", include("balai.platform.urls")),
    path("staf/admin/", admin.site.urls),
    path("bahasa/", core_views.set_language, name="set_language"),
    path("api/v1/", include("balai.api.v1.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("staf/spbe/", include("balai.spbe.urls")),
    path("", include("balai.desa.urls")),
    path("", include("balai.kinerja.urls")),
    path("", include("balai.situs.urls")),
    path("", include("balai.data.urls")),
    path("", include("balai.ppid.urls")),
    path("", include("balai.lapor.urls")),
]
