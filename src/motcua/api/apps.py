from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "motcua.api"
    verbose_name = "Giao diện lập trình (API)"
