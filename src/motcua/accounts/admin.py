from django.contrib import admin

from .models import Profile, Representation


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "id_number", "tax_code", "phone", "identity_verified"]
    list_filter = ["kind", "identity_verified"]
    search_fields = ["name", "id_number", "tax_code", "phone", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ["principal_name", "principal_id_number", "representative", "valid_until"]
    list_filter = ["revoked", "principal_type"]
    search_fields = ["principal_name", "principal_id_number", "representative__username"]
    raw_id_fields = ["representative", "authorization"]
