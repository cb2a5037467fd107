"""Translating complaints to and from JSON. Validation of shape and type only; decisions are services'."""

import json
from pathlib import Path

from django.contrib.gis.geos import Point
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from assets.models import Asset
from complaints.intake import AssetInvalid, asset_check
from complaints.models import Category, Complaint, Photo
from complaints.photos import PhotoRefused, photo_clean
from complaints.questions import AnswersInvalid, clean_answers, with_required_questions
from disclosure.public import (
    FEATURE_FIELDS,
    FEATURE_PROPERTIES,
    LEAN_FEATURE_PROPERTIES,
    public_description,
    public_photos,
)
from geo.spatial import WGS84, is_lon_lat

DESCRIPTION_MAX = 4000
# Dates a query may name. Periods are shifted back (the year before, the period before), and Python's
# calendar ends at years 1 and 9999: bounding the input keeps that arithmetic and the holiday
# calendar small and inside it.
QUERY_YEARS = (2000, 2100)


# How many unknown fields an error names, and how much of each name it repeats.
UNKNOWN_NAMED = 20
FIELD_NAME_SHOWN = 50


def in_query_years(value) -> bool:
    return QUERY_YEARS[0] <= value.year <= QUERY_YEARS[1]


class QueryDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time between QUERY_YEARS, for filters and report periods."""

    default_error_messages = {"years": _("Give a date between the years {first} and {last}.")}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not in_query_years(parsed):
            self.fail("years", first=QUERY_YEARS[0], last=QUERY_YEARS[1])
        return parsed


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object named by its code. Text PostgreSQL cannot hold (NUL) is refused as invalid
    before any query (the driver would raise at the query, a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo ("desciption") is an error and not silently lost.

    Also takes a multipart form (for uploads): the same fields, with object-valued ones (a GeoJSON
    location, the reporter) sent as JSON text.
    """

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):
            data = self._from_form(data)
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                # The answer names at most UNKNOWN_NAMED of them, each cut short: an error is never
                # larger than a few KB, whatever was sent.
                message = _("Unknown field. Allowed fields: %(allowed)s.") % {"allowed": ", ".join(self.fields)}
                errors = {str(name)[:FIELD_NAME_SHOWN]: [message] for name in unknown[:UNKNOWN_NAMED]}
                if len(unknown) > UNKNOWN_NAMED:
                    errors["non_field_errors"] = [
                        _("%(n)d more unknown fields.") % {"n": len(unknown) - UNKNOWN_NAMED}
                    ]
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def _from_form(self, form: QueryDict) -> dict:
        data = {}
        for name in form:
            value = form.get(name)
            structured = serializers.Serializer | serializers.DictField | GeoJSONPointField
            if isinstance(self.fields.get(name), structured) and isinstance(value, str):
                try:
                    value = json.loads(value)
                except (ValueError, RecursionError):  # RecursionError: nested a thousand levels deep
                    raise serializers.ValidationError({name: [_("Send this field as JSON text.")]}) from None
            data[name] = value
        return data


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON Point in WGS84: [longitude, latitude].",
        "properties": {
            "type": {"type": "string", "enum": ["Point"]},
            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        },
        "required": ["type", "coordinates"],
        "example": {"type": "Point", "coordinates": [101.4478, 0.5071]},
    }
)
class GeoJSONPointField(serializers.Field):
    """A GeoJSON Point {"type": "Point", "coordinates": [lon, lat]} in WGS84, and nothing else."""

    default_error_messages = {
        # DRF formats these with str.format: literal braces are doubled.
        "not_point": _('Expected a GeoJSON Point: {{"type": "Point", "coordinates": [longitude, latitude]}}.'),
        "coordinates": _("Coordinates must be two numbers: [longitude, latitude]."),
        "range": _("Coordinates out of range: longitude must be between -180 and 180, latitude between -90 and 90."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict) or data.get("type") != "Point":
            self.fail("not_point")
        coordinates = data.get("coordinates")
        if (
            not isinstance(coordinates, list | tuple)
            or len(coordinates) != 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)
        ):
            self.fail("coordinates")
        try:
            lon, lat = (float(c) for c in coordinates)
        except OverflowError:  # an integer too large for a float (JSON allows 10**400)
            self.fail("range")
        if not is_lon_lat(lon, lat):
            self.fail("range")
        return Point(lon, lat, srid=WGS84)

    def to_representation(self, value):
        return {"type": "Point", "coordinates": [value.x, value.y]}


@extend_schema_field({"type": "string", "format": "binary", "description": "JPEG, PNG or WebP, at most 10 MB."})
class PhotoUploadField(serializers.Field):
    """An uploaded photo, checked and re-encoded on the way in (complaints.photos)."""

    default_error_messages = {"not_file": _("Send the photo as a file in a multipart form.")}

    def to_internal_value(self, upload):
        if not hasattr(upload, "read"):
            self.fail("not_file")
        try:
            return photo_clean(upload)
        except PhotoRefused as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ReporterSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9][0-9 ()-]{5,30}$", _("Enter a phone number of digits, e.g. 0812 3456 7890."))
        ],
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    notify = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Kabari saya: send updates to the contact given (the receipt of filing is sent in any case).",
    )


class ComplaintCreateSerializer(StrictSerializer):
    category = serializers.CharField(help_text="Category code, e.g. lampu-jalan.")
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX,
        error_messages={
            "blank": _("Describe the problem."),
            "max_length": _("The description is too long: at most {max_length} characters."),
        },
    )
    location = GeoJSONPointField()
    reporter = ReporterSerializer(required=False, help_text="Private contact details; never public.")
    answers = serializers.DictField(
        required=False,
        help_text="Answers to the category's questions, {question code: answer} (GET /open311/v2/services/<code>.json lists them).",
    )
    photo = PhotoUploadField(required=False)
    asset = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.select_related("kind"),
        required=False,
        allow_null=True,
        help_text="The asset's id (GET /api/v1/assets/): the complaint is placed at it, the pin is kept as reported.",
        error_messages={"does_not_exist": _("No asset has the id {pk_value}."), "incorrect_type": _("Give the asset's id, a number.")},
    )

    def validate(self, attrs):
        try:
            attrs["answers"] = clean_answers(attrs["category"], attrs.get("answers"))
        except AnswersInvalid as exc:
            raise serializers.ValidationError({"answers": exc.errors}) from None
        if attrs.get("asset"):
            try:
                asset_check(attrs["asset"], attrs["category"], attrs["location"])
            except AssetInvalid as exc:
                raise serializers.ValidationError({"asset": [str(exc)]}) from None
        return attrs

    def validate_category(self, code):
        # Its questions are read only when answers are given (complaints.questions.clean_answers).
        category = with_required_questions(Category.objects.select_related("agency")).filter(code=code).first()
        if category is None:
            codes = ", ".join(Category.objects.values_list("code", flat=True))
            raise serializers.ValidationError(
                _("Unknown category “%(code)s”. Choose one of: %(codes)s.") % {"code": code, "codes": codes}
            )
        return category


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["kind", "url", "thumbnail_url", "width", "height"]

    def get_url(self, photo) -> str:
        return reverse("photo-file", args=[Path(photo.image.name).name])

    def get_thumbnail_url(self, photo) -> str:
        return reverse("photo-file", args=[Path(photo.thumbnail.name).name])


class ComplaintSerializer(GeoFeatureModelSerializer):
    """The public face of a complaint. No reporter field may ever be added here."""

    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kecamatan = AreaSerializer(read_only=True)
    kelurahan = AreaSerializer(read_only=True, allow_null=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    task_force = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    # As moderated (disclosure.public): the redacted text, only the photos the public may see.
    description = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        geo_field = "location"
        id_field = "tracking_code"
        fields = list(FEATURE_FIELDS)

    def get_description(self, complaint) -> str:
        return public_description(complaint)

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, complaint):
        return PhotoSerializer(public_photos(complaint), many=True).data


ALL_PROPERTIES = "all"


def feature_properties(requested: str | None) -> tuple[str, ...]:
    """The properties the public list's Features carry for its ``fields`` query parameter: without it
    the lean ones (disclosure.public.LEAN_FEATURE_PROPERTIES), ``all`` for every one, or a comma list
    of names of FEATURE_PROPERTIES. A name it does not know is an error naming the allowed ones."""
    if requested is None:
        return LEAN_FEATURE_PROPERTIES
    names = [name.strip() for name in requested.split(",") if name.strip()]
    if ALL_PROPERTIES in names:
        return FEATURE_PROPERTIES
    allowed = _("Allowed: %(all)s, or a comma-separated list of: %(names)s.") % {
        "all": ALL_PROPERTIES,
        "names": ", ".join(FEATURE_PROPERTIES),
    }
    unknown = [name for name in names if name not in FEATURE_PROPERTIES]
    if unknown:
        shown = ", ".join(name[:FIELD_NAME_SHOWN] for name in unknown[:UNKNOWN_NAMED])
        raise serializers.ValidationError(
            {"fields": [_("Unknown field: %(names)s.") % {"names": shown} + " " + allowed]}
        )
    if not names:
        raise serializers.ValidationError({"fields": [_("Name at least one field.") + " " + allowed]})
    return tuple(names)


class LocateQuerySerializer(StrictSerializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    category = serializers.CharField(required=False, help_text="Category code: adds the agency and task force.")

    validate_category = ComplaintCreateSerializer.validate_category


class NearbyQuerySerializer(LocateQuerySerializer):
    category = serializers.CharField(help_text="Category code.")
    radius_m = serializers.FloatField(min_value=1, max_value=500, default=100)
    asset = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.all(),
        required=False,
        help_text="The asset the citizen tapped: its open complaints come first, marked same_asset.",
    )


class NearbyComplaintSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    category_name = serializers.CharField(source="category.name")
    description = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    distance_m = serializers.SerializerMethodField()
    support_count = serializers.IntegerField()
    photos = serializers.SerializerMethodField()
    same_asset = serializers.BooleanField(help_text="On the asset the query named: \"tiang ini sudah dilaporkan\".")

    def get_distance_m(self, complaint) -> float:
        return round(complaint.distance.m, 1)

    def get_description(self, complaint) -> str:
        return public_description(complaint)

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, complaint):
        return PhotoSerializer(public_photos(complaint), many=True).data


class PhotoLocationSerializer(StrictSerializer):
    photo = serializers.FileField()


class ReporterActionSerializer(StrictSerializer):
    """The citizen's own actions carry the reporter key given when the complaint was filed."""

    reporter_key = serializers.CharField(
        max_length=64, help_text="The reporter key from the filing answer (or the #k= part of the private link)."
    )


class ReopenSerializer(ReporterActionSerializer):
    reason = serializers.CharField(max_length=2000)


class AddInformationSerializer(ReporterActionSerializer):
    text = serializers.CharField(max_length=2000)


class RatingSerializer(ReporterActionSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class CitizenAnswerSerializer(serializers.Serializer):
    """What the citizen's own actions answer: no location, so a sensitive complaint leaks nothing."""

    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    due_at = serializers.DateTimeField()
    reopen_count = serializers.IntegerField()
    rating = serializers.IntegerField(allow_null=True)
    support_count = serializers.IntegerField()
