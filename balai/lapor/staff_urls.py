from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("massal/", staff_views.bulk, name="bulk"),
    path("lampiran/<uuid:public_id>/", staff_views.attachment, name="attachment"),
    path("foto/<uuid:public_id>/", staff_views.staff_photo, name="photo"),
    path("<str:code>/", staff_views.report_page, name="report"),
    path("<str:code>/<slug:action>/", staff_views.report_action, name="action"),
]
