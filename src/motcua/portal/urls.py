from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/mau/<int:pk>/", views.document_template, name="template"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", views.start_submission, name="submit"),
    path("ho-so/", views.my_dossiers, name="my_dossiers"),
    path("ho-so/nhap/<int:pk>/", views.draft_edit, name="draft"),
    path("ho-so/nhap/<int:pk>/xoa/", views.draft_delete, name="draft_delete"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/bien-nhan/", views.receipt, name="receipt"),
    path("ho-so/<str:code>/tep/<int:pk>/", views.dossier_file, name="dossier_file"),
    path("ho-so/<str:code>/ket-qua/", views.result_file, name="result"),
    path("ho-so/<str:code>/bo-sung/", views.answer_supplement, name="supplement"),
    path("ho-so/<str:code>/rut-ho-so/", views.withdraw, name="withdraw"),
    path("kho-du-lieu/", views.repository_list, name="repository"),
    path("kho-du-lieu/<int:pk>/", views.repository_file, name="repository_file"),
    path("tra-cuu/", views.track, name="track"),
    path("danh-gia/<str:code>/", views.rate, name="rate"),
]
