from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = "Hồ sơ thủ tục hành chính"

    def ready(self) -> None:
        from motcua.agencies.signals import unit_moved

        from . import receivers

        unit_moved.connect(receivers.on_unit_moved, dispatch_uid="dossiers.on_unit_moved")
