"""Query filters of the public complaint list."""


import django_filters

from boundaries.models import Kecamatan, Kelurahan, TaskForce
from complaints.models import Category, Complaint, Status, overdue_q
from disclosure.public import public_categories
from geo.rest import BBoxFilter, QueryDateTimeFilter


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
