from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("chon/", views.go, name="go"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/chi-so-766/", views.index_page, name="index"),
    path("<str:code>/thong-ke/", views.statistics_page, name="statistics"),
    path("<str:code>/ho-so/", views.dossiers_page, name="dossiers"),
    path("<str:code>/thu-tuc/", views.procedures_page, name="procedures"),
    path("<str:code>/cham-muon/", views.late_page, name="late"),
    path("<str:code>/bao-cao/", views.report_page, name="report"),
]
