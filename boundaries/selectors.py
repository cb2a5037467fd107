"""Reading boundaries: which kecamatan and kelurahan a point belongs to (DESIGN.md, routing rules 1–2)."""
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils.translation import gettext as _

from boundaries.models import BoundaryPiece, Kecamatan, Kelurahan
from geo.spatial import METRES_PER_DEGREE


class Rule(enum.StrEnum):
    INSIDE = "inside"  # one kecamatan covers the point
    BORDER = "border"  # several cover it (a shared border): the lowest code wins
    NEAR_CITY_LIMIT = "near_city_limit"  # outside, but within the tolerance: the nearest kecamatan
    OUTSIDE = "outside"  # farther out: refused


@dataclass(frozen=True)
class AreaRef:
    id: int
    code: str
    name: str

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True)
class RouteDecision:
    """Where a point goes, and why. ``distance_m`` is how far outside the city it lies (0 inside)."""

    kecamatan: AreaRef | None
    kelurahan: AreaRef | None
    rule: Rule
    distance_m: float
    candidates: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.rule != Rule.OUTSIDE

    def reason(self) -> str:
        """The decision in a sentence, in the active language."""
        if self.rule == Rule.INSIDE:
            return _("Inside kecamatan %(code)s %(name)s.") % self.kecamatan.as_dict()
        if self.rule == Rule.BORDER:
            return _("On the border of kecamatan %(codes)s: the lowest code, %(code)s %(name)s, takes it.") % {
                "codes": ", ".join(self.candidates),
                **self.kecamatan.as_dict(),
            }
        if self.rule == Rule.NEAR_CITY_LIMIT:
            return _("%(distance).0f m outside the city limit: the nearest kecamatan, %(code)s %(name)s, takes it.") % {
                "distance": self.distance_m,
                **self.kecamatan.as_dict(),
            }
        return outside_city_message()


def outside_city_message() -> str:
    return _(
        "This point is outside %(city)s (more than %(tolerance).0f m beyond the city limit). "
        "Place the pin inside the city."
    ) % {"city": settings.PEKA_CITY_NAME, "tolerance": settings.PEKA_CITY_TOLERANCE_M}


# One statement routes a whole array of points, so a single pin and a bulk import share the same rules.
# Pieces (ST_Subdivide) keep the index lookups small. A point counts as in an area when it lies within
# the boundary data's precision of it (ST_DWithin a tiny degree distance; it covers the border
# itself): closer than that, the files cannot tell which side it is on, so it is on the border.
_ROUTE_SQL = f"""
WITH pt AS (
    SELECT i, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t(lon, lat, i)
)
SELECT pt.i, kec.id, kec.code, kec.name, kec.candidates, kec.distance_m, kel.id, kel.code, kel.name
FROM pt
LEFT JOIN LATERAL (
    (
        -- Rule 2: the kecamatan covering the point; on a shared border the lowest code wins.
        SELECT k.id, k.code, k.name, c.candidates, 0.0::float8 AS distance_m
        FROM (
            SELECT array_agg(DISTINCT p.code ORDER BY p.code) AS candidates
            FROM {BoundaryPiece._meta.db_table} p
            WHERE p.layer = 'kecamatan' AND ST_DWithin(p.piece, pt.g, %(border_deg)s)
        ) c
        JOIN {Kecamatan._meta.db_table} k ON k.code = c.candidates[1]
    )
    UNION ALL
    (
        -- Rule 1: within the tolerance outside the city limit (GPS noise), the nearest kecamatan.
        -- A degree box first (index-friendly), then exact metres on the geography.
        SELECT k.id, k.code, k.name, ARRAY[k.code], ST_Distance(k.boundary::geography, pt.g::geography)
        FROM {Kecamatan._meta.db_table} k
        WHERE k.boundary && ST_Expand(pt.g, %(tolerance_deg)s)
          AND ST_DWithin(k.boundary::geography, pt.g::geography, %(tolerance_m)s)
        ORDER BY 5, k.code
        LIMIT 1
    )
    LIMIT 1
) kec ON true
LEFT JOIN LATERAL (
    (
        SELECT l.id, l.code, l.name
        FROM {BoundaryPiece._meta.db_table} p JOIN {Kelurahan._meta.db_table} l ON l.id = p.area_id
        WHERE p.layer = 'kelurahan' AND l.kecamatan_id = kec.id AND ST_DWithin(p.piece, pt.g, %(border_deg)s)
        ORDER BY l.code
        LIMIT 1
    )
    UNION ALL
    (
        -- Outside every kelurahan (near the city limit): the nearest one of the chosen kecamatan.
        -- Degree distance only orders a handful of neighbours here, so its distortion does not matter.
        SELECT l.id, l.code, l.name
        FROM {Kelurahan._meta.db_table} l
        WHERE l.kecamatan_id = kec.id
        ORDER BY l.boundary <-> pt.g, l.code
        LIMIT 1
    )
    LIMIT 1
) kel ON true
ORDER BY pt.i
"""


def route_many(points: Sequence[tuple[float, float]]) -> list[RouteDecision]:
    """Route (lon, lat) pairs in WGS84, in one statement; the decisions come back in the same order."""
    if not points:
        return []
    tolerance_m = settings.PEKA_CITY_TOLERANCE_M
    params = {
        "lons": [float(lon) for lon, _lat in points],
        "lats": [float(lat) for _lon, lat in points],
        "tolerance_m": tolerance_m,
        # A box of tolerance_m / 50 km degrees holds every point within tolerance_m up to ~60° latitude.
        "tolerance_deg": tolerance_m / 50_000,
        "border_deg": settings.PEKA_BORDER_PRECISION_M / METRES_PER_DEGREE,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ROUTE_SQL, params)
        rows = cursor.fetchall()
    return [_decision(row) for row in rows]


def route(point: Point) -> RouteDecision:
    """Route one WGS84 point: its kecamatan and kelurahan and the rule that decided."""
    return route_many([(point.x, point.y)])[0]


def _decision(row) -> RouteDecision:
    _i, kec_id, kec_code, kec_name, candidates, distance_m, kel_id, kel_code, kel_name = row
    if kec_id is None:
        return RouteDecision(None, None, Rule.OUTSIDE, distance_m=float("inf"))
    if distance_m > 0:
        rule = Rule.NEAR_CITY_LIMIT
    elif len(candidates) > 1:
        rule = Rule.BORDER
    else:
        rule = Rule.INSIDE
    return RouteDecision(
        kecamatan=AreaRef(kec_id, kec_code, kec_name),
        kelurahan=AreaRef(kel_id, kel_code, kel_name) if kel_id else None,
        rule=rule,
        distance_m=float(distance_m),
        candidates=tuple(candidates),
    )
