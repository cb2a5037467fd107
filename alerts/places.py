"""A followed place as the polygon it stands for (WGS84), with the checks a person can act on.

Circles are buffered in metres in UTM 47N (geo.spatial), so a 500 m radius is 500 m on the ground;
a drawn area must lie inside the city (within PEKA_CITY_TOLERANCE_M of its limit, the tolerance a
pin has) and measure at most MAX_AREA_KM2, measured in UTM 47N.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import connection
from django.utils.translation import gettext as _

from boundaries.models import Kecamatan, Kelurahan
from boundaries.selectors import outside_city_message, route
from geo.spatial import UTM47N, area_m2, as_multipolygon, to_utm, to_wgs84

RADIUS_M = (100, 5000)
MAX_AREA_KM2 = 50
# Segments per quarter circle of a buffered point: 16 keeps a 5 km circle within 1 m of round.
CIRCLE_SEGMENTS = 16


class PlaceInvalid(ValueError):
    """``field`` names the field of the request at fault; the message says what to do."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Place:
    kind: str
    area: MultiPolygon
    code: str = ""
    radius_m: int | None = None


def kelurahan(code: str) -> Place:
    found = Kelurahan.objects.filter(code=code).only("code", "boundary").first()
    if found is None:
        raise PlaceInvalid("kelurahan", _("Unknown kelurahan code “%(code)s”.") % {"code": code[:32]})
    return Place("kelurahan", found.boundary, code=found.code)


def kecamatan(code: str) -> Place:
    found = Kecamatan.objects.filter(code=code).only("code", "boundary").first()
    if found is None:
        raise PlaceInvalid("kecamatan", _("Unknown kecamatan code “%(code)s”.") % {"code": code[:32]})
    return Place("kecamatan", found.boundary, code=found.code)


def circle(point: Point, radius_m: int) -> Place:
    """The disc of ``radius_m`` metres around ``point``, whose centre must be a point the city takes."""
    low, high = RADIUS_M
    if not low <= radius_m <= high:
        raise PlaceInvalid(
            "radius_m", _("The radius must be between %(low)d and %(high)d metres.") % {"low": low, "high": high}
        )
    if not route(point).accepted:
        raise PlaceInvalid("point", outside_city_message())
    disc = to_utm(point).buffer(radius_m, CIRCLE_SEGMENTS)
    return Place("point", as_multipolygon(to_wgs84(disc)), radius_m=radius_m)


def drawn(polygon: GEOSGeometry) -> Place:
    """A polygon the subscriber drew: valid, at most MAX_AREA_KM2, inside the city."""
    if not polygon.valid:
        raise PlaceInvalid("area", _("The area's outline crosses itself: draw it again without crossings."))
    km2 = area_m2(polygon) / 1e6
    if km2 > MAX_AREA_KM2:
        raise PlaceInvalid(
            "area",
            _("The area is %(km2).1f km²; at most %(max)d km² may be followed.") % {"km2": km2, "max": MAX_AREA_KM2},
        )
    if not _inside_city(polygon):
        raise PlaceInvalid(
            "area", _("The area reaches outside %(city)s: draw it inside the city.") % {"city": settings.PEKA_CITY_NAME}
        )
    return Place("area", as_multipolygon(polygon))


def _inside_city(polygon: GEOSGeometry) -> bool:
    # The city is the union of its kecamatan, widened by the pin's tolerance (in UTM 47N metres).
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT ST_Covers(ST_Buffer(ST_Transform(ST_Union(boundary), {UTM47N}), %s),
                                 ST_Transform(ST_GeomFromEWKB(%s), {UTM47N}))
                FROM {Kecamatan._meta.db_table}""",
            [settings.PEKA_CITY_TOLERANCE_M, bytes(polygon.ewkb)],
        )
        return bool(cursor.fetchone()[0])
