app_name = "statistik"

urlpatterns: list = []
