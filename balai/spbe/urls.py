from django.urls import path

from . import views

app_name = "spbe"

urlpatterns = [
    path("", views.home, name="home"),
    path("tahunan/", views.year_on_year, name="years"),
    path("tahun-baru/", views.framework_new_year, name="new_year"),
    path("bukti/<uuid:public_id>/", views.evidence_file, name="evidence_file"),
    path("<int:year>/", views.overview, name="overview"),
    path("<int:year>/indikator/<int:number>/", views.indicator, name="indicator"),
    path("<int:year>/indikator/<int:number>/<slug:action>/", views.indicator_action, name="action"),
    path("<int:year>/naikkan/", views.raise_index, name="raise"),
    path("<int:year>/kerangka/", views.framework_page, name="framework"),
    path("<int:year>/kerangka/<int:number>/", views.framework_indicator, name="framework_indicator"),
    path("<int:year>/dosir.pdf", views.export_pdf, name="export_pdf"),
    path("<int:year>/dosir.xlsx", views.export_xlsx, name="export_xlsx"),
]
