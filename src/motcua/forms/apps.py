from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "motcua.forms"
    verbose_name = "Biểu mẫu trực tuyến"
