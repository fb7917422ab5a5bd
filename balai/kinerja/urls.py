from django.urls import path

from . import staff_views, views

app_name = "kinerja"

urlpatterns = [
    path("kinerja/", views.home, name="home"),
    path("kinerja/<int:year>/", views.year, name="year"),
    path("kinerja/<int:year>/opd/<slug:slug>/", views.opd, name="opd"),
    path("kinerja/<int:year>/urusan/", views.urusan, name="urusan"),
    path("kinerja/<int:year>/wilayah/", views.places, name="places"),
    path("kinerja/<int:year>/lkjip/<slug:slug>/", views.lkjip, name="lkjip"),
    path("kinerja/kegiatan/<uuid:public_id>/", views.activity, name="activity"),
    path("kinerja/kegiatan/<uuid:public_id>/aspirasi/", views.aspirasi, name="aspirasi"),
    path("staf/kinerja/", staff_views.home, name="staff_home"),
    path("staf/kinerja/impor/", staff_views.import_plan, name="staff_import"),
    path("staf/kinerja/rencana/<int:year>/", staff_views.plan, name="staff_plan"),
    path("staf/kinerja/kegiatan/<uuid:public_id>/", staff_views.activity, name="staff_activity"),
    path("staf/kinerja/rencana/<int:year>/baru/", staff_views.activity_new, name="staff_activity_new"),
    path("staf/kinerja/kegiatan/<uuid:public_id>/ubah/", staff_views.activity_edit, name="staff_activity_edit"),
    path("staf/kinerja/rpjmd/", staff_views.rpjmd_list, name="staff_rpjmd"),
    path("staf/kinerja/rpjmd/baru/", staff_views.rpjmd_form, name="staff_rpjmd_new"),
    path("staf/kinerja/rpjmd/<int:start_year>/ubah/", staff_views.rpjmd_form, name="staff_rpjmd_edit"),
    path("staf/kinerja/rpjmd/<int:start_year>/sasaran/baru/", staff_views.goal_form, name="staff_goal_new"),
    path("staf/kinerja/rpjmd/<int:start_year>/sasaran/<int:pk>/", staff_views.goal_form, name="staff_goal_edit"),
    path("staf/kinerja/rpjmd/<int:start_year>/renstra/<slug:slug>/", staff_views.renstra_form, name="staff_renstra"),
    path(
        "staf/kinerja/rpjmd/<int:start_year>/sasaran/<int:pk>/hapus/", staff_views.goal_remove, name="staff_goal_remove"
    ),
    path(
        "staf/kinerja/rpjmd/<int:start_year>/sasaran/<int:pk>/indikator/<int:indicator>/hapus/",
        staff_views.goal_indicator_remove,
        name="staff_goal_indicator_remove",
    ),
    path(
        "staf/kinerja/rpjmd/<int:start_year>/misi/<int:number>/hapus/",
        staff_views.mission_remove,
        name="staff_mission_remove",
    ),
    path(
        "staf/kinerja/rpjmd/<int:start_year>/renstra/<slug:slug>/hapus/",
        staff_views.renstra_remove,
        name="staff_renstra_remove",
    ),
    path(
        "staf/kinerja/kegiatan/<uuid:public_id>/triwulan/<int:quarter>/",
        staff_views.realisation,
        name="staff_realisation",
    ),
]
