from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "motcua.portal"
    verbose_name = "Cổng dịch vụ công"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the dossier_changed listeners)
