"""Translating complaints to and from JSON. Validation of shape and type only; decisions are services'."""

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from assets.models import Asset
from complaints.intake import AssetInvalid, asset_check
from complaints.models import Category, Complaint, Photo
from complaints.photos import MAX_MB, PhotoRefused, photo_clean
from complaints.questions import AnswersInvalid, clean_answers, with_required_questions
from disclosure.public import (
    FEATURE_FIELDS,
    FEATURE_PROPERTIES,
    LEAN_FEATURE_PROPERTIES,
    public_description,
    public_photos,
)
from geo.rest import FIELD_NAME_SHOWN, UNKNOWN_NAMED, GeoJSONPointField, PhoneField, StrictSerializer

DESCRIPTION_MAX = 4000
@extend_schema_field({"type": "string", "format": "binary", "description": f"JPEG, PNG or WebP, at most {MAX_MB} MB."})
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
    phone = PhoneField(required=False, allow_blank=True)
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
    anonymous = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Rahasiakan identitas saya: no officer sees the contact; PEKA's own messages still reach it.",
    )
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
