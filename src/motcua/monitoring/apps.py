from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "motcua.monitoring"
    verbose_name = "Giám sát, đánh giá, báo cáo"

    def ready(self) -> None:
        from motcua.agencies.signals import unit_moved
        from motcua.dossiers.signals import dossier_changed

        from . import receivers

        dossier_changed.connect(receivers.on_dossier_changed, dispatch_uid="monitoring.facts")
        unit_moved.connect(receivers.on_unit_moved, dispatch_uid="monitoring.unit_moved")
        try:
            from motcua.ratings.signals import rated
        except ImportError:  # ratings is optional
            return
        rated.connect(receivers.on_rated, dispatch_uid="monitoring.ratings")
