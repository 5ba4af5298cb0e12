from django.contrib import admin

from .models import RepositoryItem


@admin.register(RepositoryItem)
class RepositoryItemAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "kind", "source_code", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "source_code", "owner__username"]
    raw_id_fields = ["owner", "file", "dossier"]
