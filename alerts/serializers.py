"""The subscription request and answer. Shape and type only: places.py and services.py decide."""

import json

from django.contrib.gis.geos import GEOSException, LinearRing, Polygon
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.models import Frequency, Subscription
from alerts.places import MAX_AREA_KM2, RADIUS_M
from disclosure.public import public_categories
from geo.rest import GeoJSONPointField, PhoneField, StrictSerializer
from geo.spatial import is_lon_lat
from notifications.contacts import mask
from notifications.push import SubscriptionSerializer as PushSubscriptionSerializer

PLACE_FIELDS = ("kelurahan", "kecamatan", "point", "area")
MAX_VERTICES = 1000


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON Polygon in WGS84: rings of [longitude, latitude], the first point repeated last.",
        "properties": {
            "type": {"type": "string", "enum": ["Polygon"]},
            "coordinates": {
                "type": "array",
                "items": {"type": "array", "items": {"type": "array", "items": {"type": "number"}, "minItems": 2}},
            },
        },
        "required": ["type", "coordinates"],
    }
)
class GeoJSONPolygonField(serializers.Field):
    """A GeoJSON Polygon in WGS84 (at most MAX_VERTICES vertices)."""

    default_error_messages = {
        "not_polygon": _('Expected a GeoJSON Polygon: {{"type": "Polygon", "coordinates": [[[lon, lat], …]]}}.'),
        "too_many": _("The outline has too many points: at most {max} vertices."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict) or data.get("type") != "Polygon" or not isinstance(data.get("coordinates"), list):
            self.fail("not_polygon")
        rings = data["coordinates"]
        if sum(len(ring) if isinstance(ring, list) else 0 for ring in rings) > MAX_VERTICES:
            self.fail("too_many", max=MAX_VERTICES)
        # Checked here, shape by shape: GDAL and GEOS answer a malformed ring with an error of their own.
        if not rings or not all(_is_ring(ring) for ring in rings):
            self.fail("not_polygon")
        try:
            polygon = Polygon(*[LinearRing([tuple(map(float, p)) for p in ring]) for ring in rings], srid=4326)
        except (GEOSException, ValueError, TypeError):
            self.fail("not_polygon")
        if polygon.empty:
            self.fail("not_polygon")
        return polygon


def _is_position(p) -> bool:
    return (
        isinstance(p, list)
        and len(p) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in p)
        and all(abs(c) < 1e300 for c in p)
        and is_lon_lat(float(p[0]), float(p[1]))
    )


def _is_ring(ring) -> bool:
    """At least four positions, the first repeated last (RFC 7946, 3.1.6)."""
    return isinstance(ring, list) and len(ring) >= 4 and all(_is_position(p) for p in ring) and ring[0] == ring[-1]


class SubscriptionCreateSerializer(StrictSerializer):
    """One contact (``email``, ``phone`` for WhatsApp, or ``push``) and one place."""

    email = serializers.EmailField(required=False)
    phone = PhoneField(required=False, help_text="WhatsApp number, e.g. 0812 3456 7890.")
    push = PushSubscriptionSerializer(required=False, help_text="A Web Push subscription (the browser's toJSON()).")
    kelurahan = serializers.CharField(max_length=32, required=False, help_text="kelurahan code")
    kecamatan = serializers.CharField(max_length=32, required=False, help_text="kecamatan code")
    point = GeoJSONPointField(required=False, help_text="Centre of a circle, with radius_m.")
    radius_m = serializers.IntegerField(
        required=False, help_text=f"{RADIUS_M[0]}–{RADIUS_M[1]} metres, with point."
    )
    area = GeoJSONPolygonField(
        required=False, help_text=f"A drawn GeoJSON Polygon, at most {MAX_AREA_KM2} km², inside the city."
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50, help_text="category codes; none: all"
    )
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.INSTANT)

    def validate_categories(self, codes: list[str]) -> list[str]:
        # A sensitive category cannot be followed, nor even named (disclosure.public).
        known = set(public_categories().filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            allowed = ", ".join(public_categories().order_by("code").values_list("code", flat=True))
            raise serializers.ValidationError(
                _("Unknown category “%(code)s”. Choose among: %(codes)s.") % {"code": unknown[0][:40], "codes": allowed}
            )
        return sorted(set(codes))

    def validate(self, attrs):
        contacts = [name for name in ("email", "phone", "push") if name in attrs]
        if len(contacts) != 1:
            raise serializers.ValidationError(
                {"email": [_("Give one contact: email, phone (WhatsApp) or push (this browser).")]}
            )
        places = [name for name in PLACE_FIELDS if name in attrs]
        if len(places) != 1:
            raise serializers.ValidationError(
                {"place": [_("Give one place: kelurahan, kecamatan, point with radius_m, or area.")]}
            )
        if places == ["point"] and "radius_m" not in attrs:
            low, high = RADIUS_M
            raise serializers.ValidationError(
                {"radius_m": [_("A circle needs its radius in metres (%(low)s–%(high)s).") % {"low": low, "high": high}]}
            )
        if "radius_m" in attrs and places != ["point"]:
            raise serializers.ValidationError({"radius_m": [_("A radius goes only with a point.")]})
        return attrs


class AreaSubscriptionSerializer(serializers.ModelSerializer):
    """What the holder of a subscription's token sees: the place, the contact masked."""

    contact = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    confirmed = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = [
            "place_kind",
            "place_code",
            "radius_m",
            "categories",
            "frequency",
            "contact",
            "confirmed",
            "created_at",
            "area",
        ]

    def get_contact(self, subscription) -> str:
        address = subscription.email or subscription.phone
        return mask(address) if address else "web push"

    def get_confirmed(self, subscription) -> bool:
        return subscription.confirmed_at is not None

    def get_area(self, subscription) -> dict:
        return json.loads(subscription.area.geojson)
