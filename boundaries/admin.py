from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.db import transaction

from boundaries.models import Agency, Jurisdiction, Kecamatan, Kelurahan, Layer, TaskForce
from boundaries.services import jurisdiction_save, pieces_rebuild
from geo.widgets import MapWidget


class MapAdmin(GISModelAdmin):
    gis_widget = MapWidget


class AreaAdmin(MapAdmin):
    """A boundary edited by hand: its routing pieces are cut again with the save, so routing follows
    the new line at once (open complaints move with `manage.py reroute`)."""

    layer: Layer

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            pieces_rebuild(self.layer, ids=[obj.pk])


@admin.register(Kecamatan)
class KecamatanAdmin(AreaAdmin):
    layer = Layer.KECAMATAN
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Kelurahan)
class KelurahanAdmin(AreaAdmin):
    layer = Layer.KELURAHAN
    list_display = ["code", "name", "kecamatan"]
    list_filter = ["kecamatan"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(TaskForce)
class TaskForceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "agency", "auto_assign"]
    list_filter = ["agency"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(MapAdmin):
    list_display = ["code", "agency", "task_force", "categories", "priority", "area_m2"]
    list_filter = ["agency"]
    readonly_fields = ["area_m2"]

    def save_model(self, request, obj, form, change):
        # Through the service, so the area and the routing pieces follow the drawn polygon.
        jurisdiction_save(obj)
