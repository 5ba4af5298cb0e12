from django.contrib import admin

from .models import Counter, Official, RoleAssignment, Unit


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 0
    filter_horizontal = ["fields"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "code", "level", "kind", "one_stop", "active"]
    list_filter = ["level", "kind", "one_stop", "active"]
    search_fields = ["name", "code", "short_name"]
    autocomplete_fields = ["parent"]
    inlines = [CounterInline]

    @admin.display(description="tên cơ quan, đơn vị", ordering="path")
    def indented_name(self, unit: Unit) -> str:
        return "— " * unit.depth + unit.name


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["full_name", "title", "user", "counter"]
    search_fields = ["full_name", "user__username"]
    inlines = [RoleInline]
    autocomplete_fields = ["user"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "unit", "active"]
    list_filter = ["unit"]
    filter_horizontal = ["fields"]


admin.site.site_header = "Quản trị hệ thống Một cửa điện tử"
admin.site.site_title = "Một cửa điện tử"
admin.site.index_title = "Danh mục và cấu hình"
