"""What a hotspot layer or export is about: which complaints, which period, which hexagon size.

Private complaints never enter: the base queryset is ``disclosure.public_complaints()`` and a sensitive
category cannot even be named in a filter. Windows are whole days in the city's time zone (disclosure.windows).
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from boundaries.models import Kecamatan
from complaints.models import CLOSED, OPEN, Category, Complaint, Status, statuses_of
from disclosure.public import public_categories, public_complaints
from disclosure.windows import whole_days
from geo.rest import CodeRelatedField, QueryDateTimeField, StrictSerializer

HEX_SIZES_M = (250, 500, 1000)
DEFAULT_DAYS = 365


@dataclass(frozen=True)
class HotspotQuery:
    since: datetime
    until: datetime
    category: Category | None = None
    status: str | None = None  # a status, "open", "closed" or None for all
    kecamatan: Kecamatan | None = None
    size_m: int = 500

    def complaints(self) -> QuerySet[Complaint]:
        """The public complaints this query is about."""
        qs = public_complaints().filter(created_at__gte=self.since, created_at__lt=self.until)
        if self.category:
            qs = qs.filter(category=self.category)
        if self.kecamatan:
            qs = qs.filter(kecamatan=self.kecamatan)
        if (statuses := statuses_of(self.status)) is not None:
            qs = qs.filter(status__in=statuses)
        return qs

    def previous(self) -> "HotspotQuery":
        """The same query over the period of the same length just before this one."""
        length = self.until - self.since
        return replace(self, since=self.since - length, until=self.since)

    def cache_key(self, kind: str) -> str:
        parts = [
            kind,
            self.since.isoformat(),
            self.until.isoformat(),
            self.category.code if self.category else "",
            self.status or "",
            self.kecamatan.code if self.kecamatan else "",
            str(self.size_m),
        ]
        return "hotspots:" + "|".join(parts)


STATUS_CHOICES = [(OPEN, _("open")), (CLOSED, _("closed")), *Status.choices]


class HotspotQuerySerializer(StrictSerializer):
    """Query parameters of every hotspot endpoint, export and the page."""

    category = CodeRelatedField(
        slug_field="code", queryset=public_categories(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False, allow_blank=True)
    kecamatan = CodeRelatedField(
        slug_field="code", queryset=Kecamatan.objects.all(), required=False, allow_null=True
    )
    since = QueryDateTimeField(
        required=False,
        help_text=f"Start (inclusive), widened to the start of its day in {settings.TIME_ZONE}; "
        f"default: {DEFAULT_DAYS} days ago.",
    )
    until = QueryDateTimeField(
        required=False,
        help_text=f"End (exclusive), widened to the end of its day in {settings.TIME_ZONE}; default: the end of today.",
    )
    size_m = serializers.ChoiceField(choices=HEX_SIZES_M, default=500, help_text="Hexagon size (edge) in metres.")

    def validate(self, attrs):
        until = attrs.get("until") or timezone.now()
        since = attrs.get("since") or until - timedelta(days=DEFAULT_DAYS)
        if since >= until:
            raise serializers.ValidationError({"since": [_("since must be before until.")]})
        since, until = whole_days(since, until)
        attrs.update(since=since, until=until)
        return attrs

    def to_query(self) -> HotspotQuery:
        data = self.validated_data
        return HotspotQuery(
            since=data["since"],
            until=data["until"],
            category=data.get("category"),
            status=data.get("status") or None,
            kecamatan=data.get("kecamatan"),
            size_m=int(data["size_m"]),
        )


def hotspot_query(params, *, also: tuple[str, ...] = ()) -> HotspotQuery:
    """Parse request parameters (a QueryDict or dict) into a query, or raise a ValidationError.

    ``also`` names parameters the caller reads itself, which are therefore not unknown.
    """
    incoming = HotspotQuerySerializer(data={k: v for k, v in params.items() if v != "" and k not in also})
    incoming.is_valid(raise_exception=True)
    return incoming.to_query()
