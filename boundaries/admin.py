from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from boundaries.models import Kecamatan, Kelurahan


@admin.register(Kecamatan)
class KecamatanAdmin(GISModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Kelurahan)
class KelurahanAdmin(GISModelAdmin):
    list_display = ["code", "name", "kecamatan"]
    list_filter = ["kecamatan"]
    search_fields = ["code", "name"]
