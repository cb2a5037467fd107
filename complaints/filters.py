"""Query filters of the public complaint list."""

from datetime import UTC

import django_filters
from django import forms
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from boundaries.models import Kecamatan, Kelurahan, TaskForce
from complaints.models import Category, Complaint, Status, overdue_q
from complaints.serializers import QUERY_YEARS, in_query_years
from disclosure.public import public_categories
from geo.spatial import WGS84, is_lon_lat


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


class QueryDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time between QUERY_YEARS, in UTC.

    Python takes offsets up to ±24 h, PostgreSQL only ±15:59, so the value is sent as UTC.
    """

    default_error_messages = {"years": _("Give a date between the years %(first)d and %(last)d.")}

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        if not in_query_years(value):
            raise ValidationError(
                self.error_messages["years"], code="years", params={"first": QUERY_YEARS[0], "last": QUERY_YEARS[1]}
            )
        return value.astimezone(UTC)


class QueryDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = QueryDateTimeField


class ComplaintFilter(django_filters.FilterSet):
    """Filters of the public list: sensitive categories cannot even be named."""

    bbox = BBoxFilter(field_name="location", help_text="min_lon,min_lat,max_lon,max_lat in WGS84")
    category = django_filters.ModelChoiceFilter(
        queryset=public_categories(), to_field_name="code", help_text="category code"
    )
    status = django_filters.ChoiceFilter(choices=Status.choices)
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=Kecamatan.objects.all(), to_field_name="code", help_text="kecamatan code, e.g. 14.71.01"
    )
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.all(), to_field_name="code", help_text="kelurahan code, e.g. 14.71.01.1002"
    )
    since = QueryDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = QueryDateTimeFilter(field_name="created_at", lookup_expr="lt")
    open = django_filters.BooleanFilter(method="filter_open", help_text="true: only open complaints")

    class Meta:
        model = Complaint
        fields = ["bbox", "category", "status", "kecamatan", "kelurahan", "since", "until", "open"]

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset.closed()


class StaffComplaintFilter(ComplaintFilter):
    """The staff inbox: any category (scoping is done by access), plus overdue and task force."""

    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), to_field_name="code")
    task_force = django_filters.ModelChoiceFilter(queryset=TaskForce.objects.all(), to_field_name="code")
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="true: only open complaints past due")
    assigned = django_filters.CharFilter(
        method="filter_assigned", max_length=150, help_text="me: assigned to you; none: to nobody; else a username"
    )

    class Meta(ComplaintFilter.Meta):
        fields = [*ComplaintFilter.Meta.fields, "task_force", "overdue", "assigned"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_assigned(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value == "me":
            return queryset.filter(assigned_to=self.request.user.pk)
        return queryset.filter(assigned_to__username=value)
