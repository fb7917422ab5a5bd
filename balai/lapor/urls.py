from django.urls import path

from . import views

app_name = "lapor"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", views.report_create, name="create"),
    path("lapor/terkirim/<str:code>/", views.report_sent, name="sent"),
    path("lapor/kelurahan-di-titik/", views.kelurahan_at_point, name="kelurahan_at"),
    path("lapor/foto-sementara/<uuid:public_id>/", views.pending_photo, name="pending_photo"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:code>/", views.track_detail, name="track_detail"),
    path("lacak/<str:code>/<str:token>/", views.reporter, name="reporter"),
    path("lacak/<str:code>/<str:token>/berhenti/", views.unsubscribe, name="unsubscribe"),
    path("laporan/", views.report_list, name="list"),
    path("laporan/<str:code>/", views.report_detail, name="detail"),
    path("foto/<uuid:public_id>/", views.photo, name="photo"),
    path("lampiran/<uuid:public_id>/", views.public_attachment, name="attachment"),
    path("privasi/", views.privacy, name="privacy"),
]
