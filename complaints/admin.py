from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from complaints.models import Category, Complaint, ComplaintEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "name_en", "agency_code", "sla_working_days", "sensitive"]
    list_editable = ["sla_working_days", "sensitive"]


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(GISModelAdmin):
    list_display = ["tracking_code", "category", "status", "kecamatan", "created_at"]
    list_filter = ["status", "category", "kecamatan"]
    search_fields = ["tracking_code", "description"]
    readonly_fields = ["tracking_code", "kecamatan", "kelurahan", "routing_rule", "routing_reason", "created_at", "updated_at"]
    inlines = [EventInline]
