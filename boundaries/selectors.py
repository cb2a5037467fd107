"""Reading boundaries: which kecamatan, kelurahan and jurisdiction a point belongs to (DESIGN.md,
routing rules 1–3; the fallbacks of rule 3 need categories and live in complaints.routing)."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils.translation import gettext as _

from boundaries.models import Agency, BoundaryPiece, Jurisdiction, Kecamatan, Kelurahan, TaskForce
from geo.spatial import METRES_PER_DEGREE


class Rule(enum.StrEnum):
    INSIDE = "inside"  # one kecamatan covers the point
    BORDER = "border"  # several cover it (a shared border): the lowest code wins
    NEAR_CITY_LIMIT = "near_city_limit"  # outside, but within the tolerance: the nearest kecamatan
    OUTSIDE = "outside"  # farther out: refused


@dataclass(frozen=True)
class Ref:
    """A row known by its code and name: a kecamatan, kelurahan, agency or task force."""

    id: int
    code: str
    name: str

    @classmethod
    def of(cls, row) -> "Ref":
        return cls(row.id, row.code, row.name)

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True)
class JurisdictionRef:
    id: int
    code: str
    agency: Ref
    task_force: Ref | None


@dataclass(frozen=True)
class RouteDecision:
    """Where a point goes, and why. ``distance_m`` is how far outside the city it lies (0 inside).

    ``jurisdiction`` is the one that takes the category at that point, when a category was given
    and one does.
    """

    kecamatan: Ref | None
    kelurahan: Ref | None
    rule: Rule
    distance_m: float
    candidates: tuple[str, ...] = ()
    jurisdiction: JurisdictionRef | None = None

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
    SELECT i, category, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[], %(categories)s::text[]) WITH ORDINALITY AS t(lon, lat, category, i)
)
SELECT pt.i, kec.id, kec.code, kec.name, kec.candidates, kec.distance_m, kel.id, kel.code, kel.name,
       jur.id, jur.code, jur.agency_id, jur.agency_code, jur.agency_name, jur.task_force_id, jur.task_force_code,
       jur.task_force_name
FROM pt
LEFT JOIN LATERAL (
    (
        -- Rule 2: the kecamatan covering the point; on a shared border the lowest code wins.
        SELECT k.id, k.code, k.name, c.candidates, 0.0::float8 AS distance_m, pt.g AS routed
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
        -- Jurisdictions then see the point as if at the nearest spot of the city.
        SELECT k.id, k.code, k.name, ARRAY[k.code], ST_Distance(k.boundary::geography, pt.g::geography),
               ST_ClosestPoint(k.boundary, pt.g)
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
LEFT JOIN LATERAL (
    -- Rule 3: among the jurisdictions taking this category here, the highest priority, then the
    -- smallest area, then the lowest code.
    SELECT j.id, j.code, a.id AS agency_id, a.code AS agency_code, a.name AS agency_name,
           tf.id AS task_force_id, tf.code AS task_force_code, tf.name AS task_force_name
    FROM {BoundaryPiece._meta.db_table} p
    JOIN {Jurisdiction._meta.db_table} j ON j.id = p.area_id
    JOIN {Agency._meta.db_table} a ON a.id = j.agency_id
    LEFT JOIN {TaskForce._meta.db_table} tf ON tf.id = j.task_force_id
    WHERE p.layer = 'jurisdiction' AND pt.category = ANY(j.categories)
      AND ST_DWithin(p.piece, kec.routed, %(border_deg)s)
    ORDER BY j.priority DESC, j.area_m2, j.code
    LIMIT 1
) jur ON kec.id IS NOT NULL AND pt.category IS NOT NULL
ORDER BY pt.i
"""


def route_many(
    points: Sequence[tuple[float, float]], categories: Sequence[str | None] | None = None
) -> list[RouteDecision]:
    """Route (lon, lat) pairs in WGS84, each with an optional category code, in one statement.

    The decisions come back in the same order as the points.
    """
    if not points:
        return []
    categories = list(categories) if categories is not None else [None] * len(points)
    tolerance_m = settings.PEKA_CITY_TOLERANCE_M
    params = {
        "lons": [float(lon) for lon, _lat in points],
        "lats": [float(lat) for _lon, lat in points],
        "categories": categories,
        "tolerance_m": tolerance_m,
        # A box of tolerance_m / 50 km degrees holds every point within tolerance_m up to ~60° latitude.
        "tolerance_deg": tolerance_m / 50_000,
        "border_deg": settings.PEKA_BORDER_PRECISION_M / METRES_PER_DEGREE,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ROUTE_SQL, params)
        rows = cursor.fetchall()
    return [_decision(row) for row in rows]


def route(point: Point, category: str | None = None) -> RouteDecision:
    """Route one WGS84 point: its kecamatan, kelurahan, the jurisdiction for ``category`` (a code), and why."""
    return route_many([(point.x, point.y)], [category])[0]


def _decision(row) -> RouteDecision:
    _i, kec_id, kec_code, kec_name, candidates, distance_m, kel_id, kel_code, kel_name, *jur = row
    if kec_id is None:
        return RouteDecision(None, None, Rule.OUTSIDE, distance_m=float("inf"))
    if distance_m > 0:
        rule = Rule.NEAR_CITY_LIMIT
    elif len(candidates) > 1:
        rule = Rule.BORDER
    else:
        rule = Rule.INSIDE
    return RouteDecision(
        kecamatan=Ref(kec_id, kec_code, kec_name),
        kelurahan=Ref(kel_id, kel_code, kel_name) if kel_id else None,
        rule=rule,
        distance_m=float(distance_m),
        candidates=tuple(candidates),
        jurisdiction=_jurisdiction(*jur),
    )


def _jurisdiction(id_, code, agency_id, agency_code, agency_name, tf_id, tf_code, tf_name) -> JurisdictionRef | None:
    if id_ is None:
        return None
    task_force = Ref(tf_id, tf_code, tf_name) if tf_id else None
    return JurisdictionRef(id_, code, Ref(agency_id, agency_code, agency_name), task_force)
