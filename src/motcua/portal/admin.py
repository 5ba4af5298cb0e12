from django.contrib import admin

from .models import Draft, LifeEvent


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["version", "owner", "dossier", "updated_at"]
    raw_id_fields = ["owner", "version", "dossier"]
    readonly_fields = ["key", "values"]
