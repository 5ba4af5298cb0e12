"""Form definitions in the Django admin: read-only. Forms are built in the builder
(/can-bo/bieu-mau/), whose services check permissions, conditions and publication."""

from django.contrib import admin

from .models import FormAttachment, FormDefinition, FormField


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FieldInline(ReadOnlyInline):
    model = FormField
    fields = ["order", "key", "label", "type", "required", "show_if_field", "show_if_value"]


class AttachmentInline(ReadOnlyInline):
    model = FormAttachment
    fields = ["document", "requirement", "accept_reuse", "show_if_field", "show_if_value"]


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin):
    list_display = ["version", "revision", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["version__procedure__code", "version__name"]
    list_select_related = ["version__procedure"]
    inlines = [FieldInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
