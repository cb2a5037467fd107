"""Admin → Bodies outside the city: the bodies (delivery and address) and their routing rules. Every
forwarding, with its "send again" action, is notifications.admin's (the sending lives there)."""

from django.contrib import admin

from boundaries.admin import MapAdmin
from forwarding.models import ExternalBody, ExternalRoute


@admin.register(ExternalBody)
class ExternalBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "delivery", "email", "endpoint"]


@admin.register(ExternalRoute)
class ExternalRouteAdmin(MapAdmin):
    list_display = ["code", "body", "owner", "categories", "priority"]
    list_filter = ["body"]
