"""Admin → Assets: kinds (each with its category) and the assets themselves, on a map; an asset's page
lists the complaints filed on it (its history)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from assets.models import Asset, AssetKind
from boundaries.admin import MapAdmin


@admin.register(AssetKind)
class AssetKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "name_en", "category"]


@admin.register(Asset)
class AssetAdmin(MapAdmin):
    list_display = ["ref", "kind", "owner", "updated_at"]
    list_filter = ["kind", "owner"]
    search_fields = ["ref"]
    readonly_fields = ["updated_at", "history"]

    @admin.display(description=_("complaints on this asset"))
    def history(self, asset: Asset) -> str:
        complaints = asset.complaints.order_by("-created_at")[:100] if asset.pk else []
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a> ({}, {})',
                (
                    (
                        reverse("admin:complaints_complaint_change", args=[c.pk]),
                        c.tracking_code,
                        c.get_status_display(),
                        f"{c.created_at:%Y-%m-%d}",
                    )
                    for c in complaints
                ),
            )
            or "—"
        )
