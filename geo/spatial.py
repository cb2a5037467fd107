"""Pure geometry helpers on GEOS objects: no models, no database.

Everything PEKA stores is WGS84 longitude/latitude (EPSG:4326). Distances and areas are measured in
metres in UTM zone 47N (EPSG:32647), the projected system that covers Pekanbaru (101.3–101.6° E).
"""

import math

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon

WGS84 = 4326
UTM47N = 32647
# Length of one degree of latitude, and of longitude at the equator (Pekanbaru lies at 0.5° N).
METRES_PER_DEGREE = 111_320


def as_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """Return the polygonal part of ``geometry`` as a MultiPolygon in the same SRID.

    Lines and points that a repair (``make_valid``) may leave behind are dropped; an empty result
    raises ``ValueError`` because a boundary without area cannot route anything.
    """
    if isinstance(geometry, MultiPolygon):
        parts = list(geometry)
    elif isinstance(geometry, Polygon):
        parts = [geometry]
    elif geometry.geom_type == "GeometryCollection":
        parts = [p for g in geometry for p in (g if isinstance(g, MultiPolygon) else [g]) if isinstance(p, Polygon)]
    else:
        parts = []
    parts = [p for p in parts if not p.empty and p.area > 0]
    if not parts:
        raise ValueError(f"{geometry.geom_type} has no polygon area")
    return MultiPolygon(*[p.clone() for p in parts], srid=geometry.srid)


def to_utm(geometry: GEOSGeometry) -> GEOSGeometry:
    """A copy of ``geometry`` in UTM 47N metres."""
    return geometry.transform(UTM47N, clone=True)


def to_wgs84(geometry: GEOSGeometry) -> GEOSGeometry:
    """A copy of ``geometry`` in WGS84 longitude/latitude."""
    return geometry.transform(WGS84, clone=True)


def area_m2(geometry: GEOSGeometry) -> float:
    """Area in square metres, measured in UTM 47N."""
    return to_utm(geometry).area


def offset_point(point: Point, *, east_m: float = 0.0, north_m: float = 0.0) -> Point:
    """The WGS84 point ``east_m`` metres east and ``north_m`` metres north of ``point`` (in UTM 47N)."""
    utm = to_utm(point)
    return to_wgs84(Point(utm.x + east_m, utm.y + north_m, srid=UTM47N))


def is_lon_lat(lon: float, lat: float) -> bool:
    """True when both are finite numbers within the WGS84 ranges."""
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def distance_metres(a: Point, b: Point) -> float:
    """The distance between two WGS84 points in metres, measured in UTM 47N (the city's plane)."""
    return to_utm(a).distance(to_utm(b))
