from django.contrib import admin

from .models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "liked", "access", "procedure", "official", "result", "feedback",
                    "channel", "created_at"]  # fmt: skip
    list_filter = ["channel", "liked"]
    search_fields = ["dossier__code"]
    raw_id_fields = ["dossier", "rated_by"]
