from django.contrib import admin

from .models import FormulaConfig


@admin.register(FormulaConfig)
class FormulaConfigAdmin(admin.ModelAdmin):
    """Versions of the 766 formulas: a new version (new code, later ``valid_from``) applies to
    periods from that day; old periods keep theirs. The configuration is checked on save."""

    list_display = ("code", "name", "valid_from", "created_at")
    ordering = ("-valid_from",)
    search_fields = ("code", "name")
