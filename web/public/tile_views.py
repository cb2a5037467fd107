"""/tiles/: the public complaint layer as map tiles (web.public.tiles), for GIS clients and the home map.

    GET /tiles/complaints/{z}/{x}/{y}.mvt      Mapbox Vector Tile (layer "complaints")
    GET /tiles/complaints/{z}/{x}/{y}.geojson  the same features as GeoJSON, in WGS84

Filters are those of the public list (``open``, ``category``, ``status``, ``kecamatan``, ``since``,
``until``, ``bbox``); a bad one is a 400 with the field's message. A tile off the grid is a 404 that
says which numbers are allowed. An empty vector tile is a 204 without a body; the GeoJSON is always a
FeatureCollection (empty when the tile is). A tile filtered by ``open``, ``status`` and ``category``
alone is counted from the cell rollup below z14 (web.public.tiles.TileFilters); any other filter
counts the complaints themselves.
"""

import hashlib
import json

from django.http import HttpResponse
from django.urls import re_path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from complaints.models import CLOSED_STATUSES, OPEN_STATUSES
from disclosure.public import public_complaints
from geo.tiles import MAX_ZOOM, tile_in_range
from web.public.filters import ComplaintFilter
from web.public.tiles import TileFilters, complaint_tile_geojson, complaint_tile_mvt

# Tiles change as complaints come and go: a minute in browser and proxy caches is fresh enough.
TILE_MAX_AGE_SECONDS = 60
MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
ENCODINGS = {
    "mvt": (complaint_tile_mvt, MVT_CONTENT_TYPE),
    "geojson": (complaint_tile_geojson, "application/geo+json"),
}


def _json(body: dict, status: int) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


# The filters the cell rollup carries; a tile naming any other is counted from its complaints.
COUNTED_FILTERS = ("open", "status", "category")


def tile_source(filters: ComplaintFilter):
    """What to draw a tile from: TileFilters when only COUNTED_FILTERS are set, else the filtered queryset."""
    data = filters.form.cleaned_data
    if any(value not in (None, "") for name, value in data.items() if name not in COUNTED_FILTERS):
        return filters.qs
    statuses = (data["status"],) if data.get("status") else None
    if data.get("open") is not None:
        shown = OPEN_STATUSES if data["open"] else CLOSED_STATUSES
        statuses = tuple(str(s) for s in shown if statuses is None or s in statuses)
    category = data.get("category")
    return TileFilters(statuses=statuses, category_id=category.pk if category else None)


@require_safe
def complaint_tile(request, z, x, y, encoding):
    """One tile of the public complaints, with an ETag so a revalidation costs no body."""
    z, x, y = int(z), int(x), int(y)
    if not tile_in_range(z, x, y):
        message = _("No such tile: z must be 0 to %(max)d, and x and y 0 to 2^z - 1 (0 to %(last)d at z %(z)d).")
        return _json({"detail": message % {"max": MAX_ZOOM, "z": z, "last": 2 ** min(max(z, 0), MAX_ZOOM) - 1}}, 404)
    filters = ComplaintFilter(request.GET, queryset=public_complaints())
    if not filters.is_valid():
        return _json({field: [str(m) for m in messages] for field, messages in filters.errors.items()}, 400)
    build, content_type = ENCODINGS[encoding]
    body = build(z, x, y, tile_source(filters))
    if not body:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(body, content_type=content_type)
        raw = body.encode() if isinstance(body, str) else body
        response["ETag"] = f'"{hashlib.blake2b(raw, digest_size=16).hexdigest()}"'
    patch_cache_control(response, public=True, max_age=TILE_MAX_AGE_SECONDS)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


urlpatterns = [
    # Signed numbers are matched here so that a tile off the grid gets the 404 message above, not a bare one.
    re_path(
        r"^complaints/(?P<z>-?\d{1,6})/(?P<x>-?\d{1,9})/(?P<y>-?\d{1,9})\.(?P<encoding>mvt|geojson)$",
        complaint_tile,
        name="complaint-tile",
    ),
]
