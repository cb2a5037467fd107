"""The assets API's query and answer shapes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assets.models import Asset, AssetKind
from disclosure.public import suppress_below
from geo.rest import CodeRelatedField, StrictSerializer
from geo.spatial import is_lon_lat
from hotspots.assets import BBOX_MAX_DEGREES, CHRONIC_DAYS


class KindField(CodeRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=AssetKind.objects.select_related("category"), **kwargs)


class BBoxField(serializers.CharField):
    default_error_messages = {
        "shape": _("Give bbox as min_lon,min_lat,max_lon,max_lat in WGS84."),
        "size": _("The box is too large: at most {max} degrees on a side (zoom in to see assets)."),
    }

    def to_internal_value(self, data):
        try:
            values = [float(v) for v in super().to_internal_value(data).split(",")]
        except ValueError:
            self.fail("shape")
        if len(values) != 4 or not all(is_lon_lat(*values[i : i + 2]) for i in (0, 2)):
            self.fail("shape")
        west, south, east, north = values
        if west >= east or south >= north:
            self.fail("shape")
        if east - west > BBOX_MAX_DEGREES or north - south > BBOX_MAX_DEGREES:
            self.fail("size", max=BBOX_MAX_DEGREES)
        return (west, south, east, north)


class AssetQuerySerializer(StrictSerializer):
    kind = KindField(required=False, help_text="Asset kind code, e.g. lampu-jalan or tps.")
    category = serializers.CharField(required=False, help_text="Or a category code: the kinds it is about.")
    bbox = BBoxField(help_text=f"min_lon,min_lat,max_lon,max_lat (WGS84), at most {BBOX_MAX_DEGREES}° on a side.")

    def validate(self, attrs):
        if not attrs.get("kind") and not attrs.get("category"):
            raise serializers.ValidationError({"kind": [_("Name the asset kind (or the category).")]})
        return attrs


class ChronicQuerySerializer(StrictSerializer):
    kind = KindField(required=False, help_text="Asset kind code; without it, every kind.")
    days = serializers.IntegerField(min_value=1, max_value=730, default=CHRONIC_DAYS)
    min = serializers.IntegerField(
        min_value=suppress_below(),
        max_value=1000,
        default=suppress_below(),
        help_text=f"Reported at least this many times (at least {suppress_below()}: smaller counts are never public).",
    )


def asset_properties(asset: Asset) -> dict:
    return {
        "id": asset.id,
        "ref": asset.ref,
        "kind": asset.kind.code,
        "kind_name": asset.kind.name,
        "owner": asset.owner,
    }


class AssetHistorySerializer(serializers.Serializer):
    """Staff: an asset and the complaints filed on it."""

    id = serializers.IntegerField()
    ref = serializers.CharField()
    kind = serializers.CharField(source="kind.code")
    owner = serializers.CharField()
