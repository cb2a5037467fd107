"""Reading assets for the public: near a place on the citizen's map, and the chronic ones.

Complaints are counted only from ``disclosure.public_complaints()``: an asset's private complaints
never make it "reported" or chronic (docs/rules.md, privacy rules 1–3).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import Polygon
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from assets.models import Asset, AssetKind
from disclosure.public import public_complaints
from geo.spatial import WGS84

# The citizen's map asks from zoom 16 (about 1.5 km across on a large screen); a box larger than
# this is refused, and at most this many assets answer.
BBOX_MAX_DEGREES = 0.05
BBOX_MAX_ASSETS = 3000
# Chronic assets: the window planners look at by default (the hotspot page's layer, the export).
CHRONIC_DAYS = 90


def assets_in_bbox(kind: AssetKind, bbox: tuple[float, float, float, float]) -> QuerySet[Asset]:
    """The assets of ``kind`` in the box, each with ``reported``: an open public complaint is on it."""
    box = Polygon.from_bbox(bbox)
    box.srid = WGS84
    on_it = public_complaints().open().filter(asset=OuterRef("pk"))
    return (
        Asset.objects.filter(kind=kind, location__bboverlaps=box)
        .annotate(reported=Exists(on_it))
        .select_related("kind")
        .order_by("id")[:BBOX_MAX_ASSETS]
    )


@dataclass(frozen=True)
class ChronicAsset:
    asset: Asset
    reports: int
    last_reported_at: datetime


def chronic_assets(
    kind: AssetKind | None, *, days: int, minimum: int, now: datetime | None = None
) -> list[ChronicAsset]:
    """Assets (of ``kind``, or of every kind) with at least ``minimum`` public complaints filed in the
    last ``days`` days, most reported first: the list that justifies a replacement budget."""
    since = (now or timezone.now()) - timedelta(days=days)
    complaints = public_complaints().filter(asset__isnull=False, created_at__gte=since)
    if kind is not None:
        complaints = complaints.filter(asset__kind=kind)
    counts = (
        complaints.values("asset")
        .annotate(reports=Count("id"), last=Max("created_at"))
        .filter(reports__gte=minimum)
        .order_by("-reports", "asset")
    )
    rows = list(counts)
    assets = Asset.objects.select_related("kind").in_bulk([r["asset"] for r in rows])
    return [ChronicAsset(assets[r["asset"]], r["reports"], r["last"]) for r in rows]
