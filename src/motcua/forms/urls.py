from django.urls import path

from . import views

app_name = "forms"
version = "<str:code>/<int:number>/"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("<str:code>/", views.procedure_forms, name="procedure"),
    path(version, views.builder, name="builder"),
    path(version + "bat-dau/", views.start, name="start"),
    path(version + "truong/them/", views.add_field, name="add_field"),
    path(version + "truong/<int:pk>/", views.edit_field, name="edit_field"),
    path(version + "truong/<int:pk>/xoa/", views.delete_field, name="delete_field"),
    path(version + "truong/<int:pk>/di-chuyen/", views.move_field, name="move_field"),
    path(version + "giay-to/", views.save_attachments, name="attachments"),
    path(version + "huong-dan/", views.save_intro, name="intro"),
    path(version + "xem-truoc/", views.preview, name="preview"),
    path(version + "cong-bo/", views.publish, name="publish"),
    path(version + "sua-doi/", views.revise, name="revise"),
    path(version + "huy-nhap/", views.discard, name="discard"),
]
