from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("transparency.csv", views.TransparencyExportView.as_view(), {"fmt": "csv"}, name="transparency_csv"),
    path("transparency.xlsx", views.TransparencyExportView.as_view(), {"fmt": "xlsx"}, name="transparency_xlsx"),
]
