from django.urls import path

app_name = "forms"
urlpatterns: list = []
