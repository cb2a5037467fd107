from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from boundaries.models import Agency, Jurisdiction, Kecamatan, Kelurahan, TaskForce
from boundaries.services import jurisdiction_save
from geo.widgets import MapWidget


class MapAdmin(GISModelAdmin):
    gis_widget = MapWidget


@admin.register(Kecamatan)
class KecamatanAdmin(MapAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Kelurahan)
class KelurahanAdmin(MapAdmin):
    list_display = ["code", "name", "kecamatan"]
    list_filter = ["kecamatan"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(TaskForce)
class TaskForceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "agency"]
    list_filter = ["agency"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(MapAdmin):
    list_display = ["code", "agency", "task_force", "categories", "priority", "area_m2"]
    list_filter = ["agency"]
    readonly_fields = ["area_m2"]

    def save_model(self, request, obj, form, change):
        # Through the service, so the area and the routing pieces follow the drawn polygon.
        jurisdiction_save(obj)
