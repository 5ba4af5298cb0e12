"""Catalog administration: drafts are edited here, publication goes through the services."""

from django.contrib import admin, messages

from motcua.core.errors import DomainError

from . import services
from .models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    RequiredDocument,
)


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.frozen

    has_add_permission = has_delete_permission = has_change_permission


class DocumentInline(DraftOnlyInline):
    model = RequiredDocument


class FeeInline(DraftOnlyInline):
    model = Fee


class StepInline(DraftOnlyInline):
    model = ProcessStep


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(PublicationDecision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "level", "published_on"]
    search_fields = ["number", "title"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "current_version", "publication_status", "abolished_by"]
    search_fields = ["code", "versions__search_name"]
    readonly_fields = ["current_version", "abolished_by", "replaced_by"]

    @admin.display(description="trạng thái công khai")
    def publication_status(self, p: Procedure) -> str:
        return p.publication_status


@admin.register(ProcedureVersion)
class VersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "name", "status", "online_level", "decision"]
    list_filter = ["status", "online_level", "field"]
    search_fields = ["procedure__code", "search_name"]
    autocomplete_fields = ["field", "decision", "procedure"]
    filter_horizontal = ["implementing_units"]
    inlines = [DocumentInline, FeeInline, StepInline]
    actions = ["publish_selected", "start_amendment"]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.frozen:
            return [f.name for f in obj._meta.fields] + ["implementing_units"]
        return ["status", "number"]

    @admin.action(description="Công bố các dự thảo đã chọn theo quyết định đã gắn")
    def publish_selected(self, request, queryset):
        for version in queryset:
            try:
                if version.decision is None:
                    raise DomainError("Chưa gắn quyết định công bố.", field="decision")
                services.publish(version, version.decision)
                self.message_user(request, f"Đã công bố {version}.")
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)

    @admin.action(description="Tạo dự thảo sửa đổi từ phiên bản đang công khai")
    def start_amendment(self, request, queryset):
        for version in queryset:
            draft = services.new_draft(version.procedure)
            self.message_user(request, f"Đã tạo dự thảo {draft}.")
