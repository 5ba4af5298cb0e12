from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    verbose_name = "Tệp, giấy tờ điện tử"
