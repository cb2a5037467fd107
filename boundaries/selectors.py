"""Reading boundaries: which kecamatan, kelurahan and jurisdiction a point belongs to (docs/rules.md,
routing rules 1–3; the fallbacks of rule 3 need categories and live in complaints.routing)."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boundaries.models import Agency, BoundaryPiece, Jurisdiction, Kecamatan, Kelurahan, TaskForce
from geo.prepared import Prepared
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
    # The task force's rule of automatic assignment as the route read it (complaints.assignment).
    task_force_auto_assign: str = ""


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
        if not self.accepted:
            return outside_city_message()
        return AREA_REASONS[self.rule] % {
            "codes": ", ".join(self.candidates),
            "distance": self.distance_m,
            **self.kecamatan.as_dict(),
        }


# Why a point went to its kecamatan, by rule; complaints.bulk writes the same sentences in SQL.
AREA_REASONS = {
    Rule.INSIDE: gettext_lazy("Inside kecamatan %(code)s %(name)s."),
    Rule.BORDER: gettext_lazy("On the border of kecamatan %(codes)s: the lowest code, %(code)s %(name)s, takes it."),
    Rule.NEAR_CITY_LIMIT: gettext_lazy(
        "%(distance).0f m outside the city limit: the nearest kecamatan, %(code)s %(name)s, takes it."
    ),
}


def outside_city_message() -> str:
    return _(
        "This point is outside %(city)s (more than %(tolerance).0f m beyond the city limit). "
        "Place the pin inside the city."
    ) % {"city": settings.PEKA_CITY_NAME, "tolerance": settings.PEKA_CITY_TOLERANCE_M}


# One statement routes a whole set of points, so a single pin, a bulk import and a re-route share the
# same rules. It is written as plain joins, not a subquery per point, so that PostgreSQL can choose:
# for a few points it probes the pieces' GiST index once per point; for an indexed table of many
# points it walks the few hundred pieces (ST_Subdivide keeps each small) and probes the points' index
# instead, which is ~10x faster per point. A point counts as in an area when it lies within the
# boundary data's precision of it (ST_DWithin a tiny degree distance; it covers the border itself):
# closer than that, the files cannot tell which side it is on, so it is on the border.
#
# ``{points}`` is a relation of (i, category, g): the points to route, g in WGS84.
_ROUTE_SQL = f"""
WITH hit AS (
    -- Jurisdiction pieces only of the jurisdictions that take the point's category: the array test
    -- is cheap and runs before the spatial one, which it spares for most jurisdiction pieces.
    SELECT pt.i, pt.category, p.layer, p.area_id, p.code
    FROM {{points}} pt JOIN {BoundaryPiece._meta.db_table} p
      ON (p.categories IS NULL OR pt.category = ANY(p.categories)) AND ST_DWithin(p.piece, pt.g, %(border_deg)s)
),
inside AS (
    -- Rule 2: the kecamatan covering the point; on a shared border the lowest code wins.
    SELECT h.i, h.category, k.id, k.code, k.name, h.candidates
    FROM (
        SELECT i, min(category) AS category, array_agg(DISTINCT code ORDER BY code) AS candidates
        FROM hit WHERE layer = 'kecamatan' GROUP BY i
    ) h
    JOIN {Kecamatan._meta.db_table} k ON k.code = h.candidates[1]
),
uncovered AS MATERIALIZED (
    -- The points no kecamatan covers: the few that rule 1 must look at.
    SELECT pt.i, pt.category, pt.g
    FROM {{points}} pt
    WHERE NOT EXISTS (SELECT 1 FROM hit h WHERE h.i = pt.i AND h.layer = 'kecamatan')
),
near AS (
    -- Rule 1: within the tolerance outside the city limit (GPS noise), the nearest kecamatan.
    -- Measured on the pieces: a degree box first (index-friendly, and it drops far points at once),
    -- then exact metres on the geography of the few small pieces left. The nearest piece holds the
    -- nearest spot of the city (``routed``), where jurisdictions then see the point.
    SELECT pt.i, pt.category, k.id, k.code, k.name, d.distance_m, d.routed
    FROM uncovered pt
    CROSS JOIN LATERAL (
        SELECT p.area_id, ST_Distance(p.piece::geography, pt.g::geography) AS distance_m,
               ST_ClosestPoint(p.piece, pt.g) AS routed
        FROM {BoundaryPiece._meta.db_table} p
        WHERE p.layer = 'kecamatan' AND ST_DWithin(p.piece, pt.g, %(tolerance_deg)s)
        ORDER BY 2, p.code
        LIMIT 1
    ) d
    JOIN {Kecamatan._meta.db_table} k ON k.id = d.area_id
    WHERE d.distance_m <= %(tolerance_m)s
),
area AS (
    SELECT i, id, code, name, candidates, 0.0::float8 AS distance_m FROM inside
    UNION ALL
    SELECT i, id, code, name, ARRAY[code], distance_m FROM near
),
kelurahan_hit AS (
    SELECT DISTINCT ON (a.i) a.i, l.id, l.code, l.name
    FROM area a
    JOIN hit h ON h.i = a.i AND h.layer = 'kelurahan'
    JOIN {Kelurahan._meta.db_table} l ON l.id = h.area_id AND l.kecamatan_id = a.id
    ORDER BY a.i, l.code
),
jurisdiction_hit AS (
    SELECT h.i, h.category, h.area_id FROM hit h JOIN inside USING (i) WHERE h.layer = 'jurisdiction'
    UNION ALL
    SELECT n.i, n.category, p.area_id
    FROM near n JOIN {BoundaryPiece._meta.db_table} p
      ON p.layer = 'jurisdiction' AND ST_DWithin(p.piece, n.routed, %(border_deg)s)
),
jur AS (
    -- Rule 3: among the jurisdictions taking this category here, the highest priority, then the
    -- smallest area, then the lowest code.
    SELECT DISTINCT ON (jh.i) jh.i, j.id, j.code, a.id AS agency_id, a.code AS agency_code,
           a.name AS agency_name, tf.id AS task_force_id, tf.code AS task_force_code, tf.name AS task_force_name,
           tf.auto_assign AS task_force_auto_assign
    FROM jurisdiction_hit jh
    -- One row per (jurisdiction, category) taken, so that the match is an equality join (a hash
    -- join over many points) rather than an ANY() test against every jurisdiction.
    JOIN (SELECT j.*, unnest(j.categories) AS category FROM {Jurisdiction._meta.db_table} j) j
      ON j.id = jh.area_id AND j.category = jh.category
    JOIN {Agency._meta.db_table} a ON a.id = j.agency_id
    LEFT JOIN {TaskForce._meta.db_table} tf ON tf.id = j.task_force_id
    ORDER BY jh.i, j.priority DESC, j.area_m2, j.code
)
SELECT pt.i, pt.category, a.id AS kecamatan_id, a.code AS kecamatan_code, a.name AS kecamatan_name, a.candidates,
       a.distance_m, coalesce(kh.id, kn.id) AS kelurahan_id, coalesce(kh.code, kn.code) AS kelurahan_code,
       coalesce(kh.name, kn.name) AS kelurahan_name, jur.id AS jurisdiction_id, jur.code AS jurisdiction_code,
       jur.agency_id, jur.agency_code, jur.agency_name, jur.task_force_id, jur.task_force_code, jur.task_force_name,
       jur.task_force_auto_assign,
       CASE WHEN a.id IS NULL THEN 'outside' WHEN a.distance_m > 0 THEN 'near_city_limit'
            WHEN cardinality(a.candidates) > 1 THEN 'border' ELSE 'inside' END AS rule
FROM {{points}} pt
LEFT JOIN area a ON a.i = pt.i
LEFT JOIN kelurahan_hit kh ON kh.i = pt.i
LEFT JOIN LATERAL (
    -- Outside every kelurahan (near the city limit): the nearest one of the chosen kecamatan.
    -- Degree distance only orders a handful of neighbours here, so its distortion does not matter.
    SELECT l.id, l.code, l.name
    FROM {Kelurahan._meta.db_table} l
    WHERE kh.i IS NULL AND l.kecamatan_id = a.id
    ORDER BY l.boundary <-> pt.g, l.code
    LIMIT 1
) kn ON true
LEFT JOIN jur ON jur.i = pt.i
"""

# The points of ``route_many``: parallel arrays, numbered from 1 in their order.
_ARRAY_POINTS = (
    "(SELECT i, category, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g "
    "FROM unnest(%(lons)s::float8[], %(lats)s::float8[], %(categories)s::text[]) WITH ORDINALITY AS t(lon, lat, category, i))"
)


def route_params() -> dict:
    """The routing statement's settings as its named parameters (besides the points)."""
    tolerance_m = settings.PEKA_CITY_TOLERANCE_M
    return {
        "tolerance_m": tolerance_m,
        # A box of tolerance_m / 50 km degrees holds every point within tolerance_m up to ~60° latitude.
        "tolerance_deg": tolerance_m / 50_000,
        "border_deg": settings.PEKA_BORDER_PRECISION_M / METRES_PER_DEGREE,
    }


def route_sql(points: str) -> tuple[str, dict]:
    """The routing statement over ``points`` (SQL for a relation of i, category code, WGS84 point g)
    and its parameters. Its rows: i, category, then the kecamatan, kelurahan and jurisdiction
    columns that ``_decision`` reads, and the rule. For bulk work, give an indexed table (see
    complaints.bulk)."""
    return _ROUTE_SQL.replace("{points}", points), route_params()


# Routing one pin is the intake's hot path, and planning this statement takes about 1 ms against
# about 0.3 ms to run it: each database connection PREPAREs it once (geo.prepared).
_STATEMENT = "peka_route"
_ARGUMENTS = {
    "lons": "float8[]",
    "lats": "float8[]",
    "categories": "text[]",
    "tolerance_m": "float8",
    "tolerance_deg": "float8",
    "border_deg": "float8",
}


def route_statement(name: str = _STATEMENT, pieces_table: str = BoundaryPiece._meta.db_table) -> Prepared:
    """The routing statement over parameter arrays, to be prepared as ``name``; its arguments are
    _ARGUMENTS in order. ``pieces_table`` swaps the routing pieces for another table of the same
    shape (bench.routing's baseline on whole polygons)."""
    sql = _ROUTE_SQL.replace("{points}", _ARRAY_POINTS).replace(BoundaryPiece._meta.db_table, pieces_table)
    return Prepared(name, sql, _ARGUMENTS)


_ROUTE = route_statement()


def prepare_route(cursor, name: str = _STATEMENT, pieces_table: str = BoundaryPiece._meta.db_table) -> str:
    """PREPARE the routing statement as ``name`` on ``cursor``'s session (bench.routing)."""
    route_statement(name, pieces_table).prepare(cursor)
    return name


def route_many(
    points: Sequence[tuple[float, float]], categories: Sequence[str | None] | None = None
) -> list[RouteDecision]:
    """Route (lon, lat) pairs in WGS84, each with an optional category code, in one statement.

    The decisions come back in the same order as the points.
    """
    if not points:
        return []
    params = route_params() | {
        "lons": [float(lon) for lon, _lat in points],
        "lats": [float(lat) for _lon, lat in points],
        "categories": list(categories) if categories is not None else [None] * len(points),
    }
    with connection.cursor() as cursor:
        _ROUTE.execute(cursor, params)
        rows = sorted(cursor.fetchall(), key=lambda row: row[0])
    return [_decision(row) for row in rows]


def route(point: Point, category: str | None = None) -> RouteDecision:
    """Route one WGS84 point: its kecamatan, kelurahan, the jurisdiction for ``category`` (a code), and why."""
    return route_many([(point.x, point.y)], [category])[0]


def _decision(row) -> RouteDecision:
    _i, _category, kec_id, kec_code, kec_name, candidates, distance_m, kel_id, kel_code, kel_name, *jur, rule = row
    if kec_id is None:
        return RouteDecision(None, None, Rule.OUTSIDE, distance_m=float("inf"))
    return RouteDecision(
        kecamatan=Ref(kec_id, kec_code, kec_name),
        kelurahan=Ref(kel_id, kel_code, kel_name) if kel_id else None,
        rule=Rule(rule),
        distance_m=float(distance_m),
        candidates=tuple(candidates),
        jurisdiction=_jurisdiction(*jur),
    )


def _jurisdiction(
    id_, code, agency_id, agency_code, agency_name, tf_id, tf_code, tf_name, tf_auto_assign
) -> JurisdictionRef | None:
    if id_ is None:
        return None
    task_force = Ref(tf_id, tf_code, tf_name) if tf_id else None
    return JurisdictionRef(id_, code, Ref(agency_id, agency_code, agency_name), task_force, tf_auto_assign or "")
