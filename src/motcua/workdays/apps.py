from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WorkdaysConfig(AppConfig):
    name = "motcua.workdays"
    verbose_name = "Lịch làm việc"

    def ready(self):
        from . import services
        from .models import CalendarDay, WorkingWindow

        # The cached Calendar must not outlive an edit made in this process.
        for model in (CalendarDay, WorkingWindow):
            post_save.connect(services.invalidate, sender=model, dispatch_uid=f"workdays-{model}")
            post_delete.connect(
                services.invalidate, sender=model, dispatch_uid=f"workdays-del-{model}"
            )
