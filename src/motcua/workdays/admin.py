from django.contrib import admin

from .models import CalendarDay, WorkingWindow


class ProjectionFilter(admin.SimpleListFilter):
    title = "nguồn dữ liệu"
    parameter_name = "nguon"

    def lookups(self, request, model_admin):
        return [
            ("du-kien", "Dự kiến (python-holidays, chưa có văn bản)"),
            ("chinh-thuc", "Có văn bản căn cứ"),
        ]

    def queryset(self, request, queryset):
        from .seed import LIBRARY_SOURCE

        if self.value() == "du-kien":
            return queryset.filter(source=LIBRARY_SOURCE)
        if self.value() == "chinh-thuc":
            return queryset.exclude(source=LIBRARY_SOURCE)
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", ProjectionFilter]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description="thứ")
    def weekday(self, day: CalendarDay) -> str:
        return ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][
            day.date.weekday()
        ]


@admin.register(WorkingWindow)
class WorkingWindowAdmin(admin.ModelAdmin):
    list_display = ["__str__", "morning_start", "morning_end", "afternoon_start", "afternoon_end"]
    autocomplete_fields = ["unit"]
