from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "motcua.agencies"
    verbose_name = "Cơ quan, đơn vị và cán bộ"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import scope
        from .models import RoleAssignment, Unit

        for model in (RoleAssignment, Unit):
            for signal in (post_save, post_delete):
                signal.connect(scope.forget, sender=model, dispatch_uid=f"scope.{model.__name__}")
