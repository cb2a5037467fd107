"""Reading complaints for the public pages."""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, Sum

from complaints.models import OPEN_STATUSES, Category, Complaint, Photo
from disclosure.public import only_public, public_complaints
from geo.spatial import METRES_PER_DEGREE, WGS84
from rollups.models import AreaDay

TOTALS_CACHE_SECONDS = 60


def public_totals() -> dict:
    """How many public complaints there are and how many are open, summed from the daily rollup (a few
    thousand rows, not a million complaints) and cached for a minute: the home page shows them on
    every visit."""
    totals = cache.get("public-totals")
    if totals is None:
        rows = only_public(AreaDay.objects.all())
        totals = {
            key: value or 0
            for key, value in rows.aggregate(
                total=Sum("n"), open=Sum("n", filter=Q(status__in=OPEN_STATUSES))
            ).items()
        }
        cache.set("public-totals", totals, TOTALS_CACHE_SECONDS)
    return totals


def nearby_open(point: Point, category: Category, radius_m: float = 100, asset=None) -> QuerySet[Complaint]:
    """Open public complaints of ``category`` within ``radius_m`` metres of ``point``, nearest first.

    With the ``asset`` the citizen tapped, its own open complaints come first ("tiang ini sudah
    dilaporkan"), and the distances are measured from it.

    A degree box around the point lets the GiST index pick the candidates; the exact distance in
    metres (on the spheroid) then decides, so no geography cast sits in the index condition.
    """
    point = asset.location if asset is not None else point
    # Longitude degrees shrink with latitude; 2× covers every latitude up to 60°.
    half = 2 * radius_m / METRES_PER_DEGREE
    box = Polygon.from_bbox((point.x - half, point.y - half, point.x + half, point.y + half))
    box.srid = WGS84
    same_asset = Q(asset=asset) if asset is not None else Q(pk__in=[])
    return (
        public_complaints()
        .open()
        .filter(category=category, location__bboverlaps=box)
        .annotate(distance=Distance("location", point), same_asset=ExpressionWrapper(same_asset, BooleanField()))
        .filter(distance__lte=radius_m)
        .select_related("category", "kecamatan")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.filter(kind="report")))
        .order_by("-same_asset", "distance")
    )
