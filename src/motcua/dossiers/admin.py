"""Read-only views of dossiers for administrators: changes go through the services."""

from django.contrib import admin

from .models import Component, Dossier, Event


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ComponentInline(ReadOnlyInline):
    model = Component


class EventInline(ReadOnlyInline):
    model = Event
    fields = [
        "seq",
        "at",
        "action",
        "actor_name",
        "from_state",
        "to_state",
        "step_name",
        "verdict",
        "note",
    ]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "applicant_name", "version", "state", "received_at", "due_at"]
    list_filter = ["state", "channel"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    inlines = [ComponentInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
