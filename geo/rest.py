"""The REST pieces every API of PEKA shares: strict request bodies, codes for related objects, bounded
date-time queries, GeoJSON points and bounding boxes. They know no domain: an app's serializers and
filters build on them."""

import json
from datetime import UTC, datetime

import django_filters
from django import forms
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from geo.phones import MAX_TYPED, clean_phone
from geo.spatial import WGS84, is_lon_lat

# Dates a query may name. Periods are shifted back (the year before, the period before), and Python's
# calendar ends at years 1 and 9999: bounding the input keeps that arithmetic and the holiday
# calendar small and inside it.
QUERY_YEARS = (2000, 2100)


# How many unknown fields an error names, and how much of each name it repeats.
UNKNOWN_NAMED = 20
FIELD_NAME_SHOWN = 50


def in_query_years(value) -> bool:
    return QUERY_YEARS[0] <= value.year <= QUERY_YEARS[1]


def query_datetime(value, *, offset_required: bool = False) -> datetime:
    """A date and time a query names (ISO 8601: "2026-11-01", "2026-11-01T08:00:00+07:00"), aware, in UTC.

    The one parser of dates in queries: the API's filters, the pages and Open311. Anything that is not
    a moment PEKA can hold is a ValidationError with a message (code "invalid", "offset" or "years"),
    never an exception from below: an hour of 25 or an offset of ±24:00 make Python's parser raise
    ValueError, and year 1 or 9999 overflow once shifted by a time zone, so the year is checked on the
    value as written, before any conversion. Without an offset it is the city's time (TIME_ZONE). The
    answer is UTC because Python takes offsets up to ±23:59 and PostgreSQL only ±15:59.
    """
    parsed = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:  # well formed, but a field out of range: hour 25, minute 61, offset +24:00
            parsed = None
    if parsed is None:
        raise ValidationError(
            _("Give a date and time in ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00+07:00."), code="invalid"
        )
    if offset_required and parsed.tzinfo is None:
        raise ValidationError(_("Give the time with its offset, e.g. 2026-11-01T08:00:00+07:00."), code="offset")
    if not in_query_years(parsed):
        raise ValidationError(
            _("Give a date between the years %(first)d and %(last)d."),
            code="years",
            params={"first": QUERY_YEARS[0], "last": QUERY_YEARS[1]},
        )
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    return parsed.astimezone(UTC)


class QueryDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time between QUERY_YEARS, for filters and report periods (query_datetime)."""

    def to_internal_value(self, value):
        try:
            return query_datetime(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None


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
                    errors["non_field_errors"] = [_("%(n)d more unknown fields.") % {"n": len(unknown) - UNKNOWN_NAMED}]
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


class PhoneField(serializers.CharField):
    """A phone number as a person types it ("0812 3456 7890", "+62 812-3456-7890"), given to the caller
    in E.164 ("+6281234567890", geo.phones); one that is no valid number is refused on this field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TYPED)
        kwargs.setdefault("help_text", "A phone number, e.g. 0812 3456 7890; stored in E.164 (+6281234567890).")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return clean_phone(super().to_internal_value(data))
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages, code="phone") from None


class BBoxField(forms.CharField):
    """ "min_lon,min_lat,max_lon,max_lat" in WGS84, cleaned to a polygon."""

    default_error_messages = {
        "invalid": _("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat (WGS84), with min below max."),
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            x1, y1, x2, y2 = (float(part) for part in value.split(","))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not (is_lon_lat(x1, y1) and is_lon_lat(x2, y2)) or x1 >= x2 or y1 >= y2:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        polygon = Polygon.from_bbox((x1, y1, x2, y2))
        polygon.srid = WGS84
        return polygon


class BBoxFilter(django_filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(**{f"{self.field_name}__intersects": value})


class QueryDateTimeFormField(IsoDateTimeField):
    """An ISO 8601 date and time between QUERY_YEARS, in UTC (query_datetime), for django-filter."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return query_datetime(value)


class QueryDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = QueryDateTimeFormField
