"""Complaints counted in hexagons, per kecamatan and as heat, all aggregated in PostGIS.

Hexagons are those of ST_HexagonGrid / ST_Hexagon in UTM 47N (EPSG:32647), so their size is true
metres; the grid is anchored at the projection's origin, so a hexagon's (i, j) is the same whatever
the filters, which is what lets two periods be compared. Each complaint's hexagon is computed with
plain arithmetic in the query (axial coordinates, rounded in cube space) on its stored UTM
coordinates (Complaint.utm_x, utm_y), not by a spatial join or a projection per point: one pass over
the points, then one ST_Hexagon per occupied cell.
"""

from dataclasses import dataclass

from django.db.models import F

from complaints.models import Complaint
from disclosure.public import suppress_below
from geo.db_router import reading
from geo.spatial import UTM47N
from hotspots.query import HotspotQuery

# Flat-topped hexagons of edge s, odd columns shifted up: column i, row j (PostGIS's convention).
# Fractional axial coordinates q, r of a point; cube rounding; then the odd-q offset row.
_CELL_SQL = """
    SELECT c.q AS i, (c.r + (c.q - (c.q & 1)) / 2) AS j, count(*) AS n
    FROM ({points}) xy
    CROSS JOIN LATERAL (
        SELECT (2.0 / 3.0 * xy.x) / {size} AS qf, (-1.0 / 3.0 * xy.x + sqrt(3.0) / 3.0 * xy.y) / {size} AS rf
    ) f
    CROSS JOIN LATERAL (SELECT round(f.qf) AS q0, round(f.rf) AS r0, round(-f.qf - f.rf) AS s0) rr
    CROSS JOIN LATERAL (
        SELECT abs(rr.q0 - f.qf) AS dq, abs(rr.r0 - f.rf) AS dr, abs(rr.s0 + f.qf + f.rf) AS ds
    ) d
    CROSS JOIN LATERAL (
        SELECT (CASE WHEN d.dq > d.dr AND d.dq > d.ds THEN -rr.r0 - rr.s0 ELSE rr.q0 END)::int AS q,
               (CASE WHEN NOT (d.dq > d.dr AND d.dq > d.ds) AND d.dr > d.ds THEN -rr.q0 - rr.s0 ELSE rr.r0 END)::int AS r
    ) c
    GROUP BY 1, 2
"""


@dataclass(frozen=True)
class Hexagon:
    i: int
    j: int
    count: int
    geojson: str  # the hexagon in WGS84, as GeoJSON geometry text
    wkb: bytes  # the hexagon in UTM 47N, for neighbourhoods (Gi*)


def hex_counts(query: HotspotQuery, *, with_empty: bool = False) -> list[Hexagon]:
    """The occupied hexagons with their counts; ``with_empty`` adds every empty hexagon touching the
    area (the city, or the filtered kecamatan), as Gi* needs the zeros too.

    Raw SQL: the cell arithmetic, ST_Hexagon and ST_HexagonGrid are beyond the ORM. The size and
    the kecamatan id are integers from a validated query, so they are written into the SQL; the
    complaint filters stay parameters.
    """
    points, params = query.complaints().order_by().values(x=F("utm_x"), y=F("utm_y")).query.sql_with_params()
    size = int(query.size_m)
    cells = _CELL_SQL.format(points=points, size=size)
    if with_empty:
        area_filter = f"WHERE id = {int(query.kecamatan.id)}" if query.kecamatan else ""
        source = f"""
            WITH cells AS ({cells}),
            area AS (SELECT ST_Transform(ST_Union(boundary), {UTM47N}) AS g FROM boundaries_kecamatan {area_filter}),
            grid AS (
                SELECT h.i, h.j FROM area, ST_HexagonGrid({size}, area.g) AS h WHERE ST_Intersects(h.geom, area.g)
            )
            SELECT i, j, COALESCE(cells.n, 0) AS n FROM grid FULL JOIN cells USING (i, j)
        """
    else:
        source = cells
    sql = f"""
        SELECT i, j, n, ST_AsGeoJSON(ST_Transform(hex, 4326), 6), ST_AsBinary(hex)
        FROM ({source}) counted
        CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_Hexagon({size}, i, j), {UTM47N}) AS hex) h
        ORDER BY i, j
    """
    with reading(Complaint).cursor() as cursor:
        cursor.execute(sql, params)
        return [Hexagon(i, j, n, geojson, bytes(wkb)) for i, j, n, geojson, wkb in cursor.fetchall()]


@dataclass(frozen=True)
class KecamatanCount:
    code: str
    name: str
    category: str | None
    count: int
    area_km2: float
    geojson: str

    @property
    def per_km2(self) -> float:
        return self.count / self.area_km2 if self.area_km2 else 0.0


def kecamatan_counts(query: HotspotQuery, *, by_category: bool = False) -> list[KecamatanCount]:
    """Complaints per kecamatan (and per category), with the kecamatan's area in km² (UTM 47N)."""
    complaints = query.complaints()
    sql, params = complaints.order_by().values("kecamatan_id", "category__code").query.sql_with_params()
    category = "p.code" if by_category else "NULL::text"
    sql = f"""
        SELECT k.code, k.name, {category}, count(p.kecamatan_id),
               ST_Area(ST_Transform(k.boundary, {UTM47N})) / 1e6, ST_AsGeoJSON(k.boundary, 6)
        FROM boundaries_kecamatan k
        LEFT JOIN ({sql}) p(kecamatan_id, code) ON p.kecamatan_id = k.id
        {"WHERE k.id = %s" if query.kecamatan else ""}
        GROUP BY k.id, {category}
        ORDER BY k.code, 3
    """
    with reading(Complaint).cursor() as cursor:
        cursor.execute(sql, [*params, *([query.kecamatan.id] if query.kecamatan else [])])
        return [KecamatanCount(*row) for row in cursor.fetchall()]


# Heat cells: about 100 m at Pekanbaru's latitude.
HEAT_CELL_DEG = 0.001


def heat_points(query: HotspotQuery) -> list[tuple[float, float, int]]:
    """(lat, lon, weight) per ~100 m grid cell: what Leaflet.heat draws, never one point per complaint.

    Cells with fewer than disclosure.public.suppress_below() complaints are left out, like every public aggregate.
    """
    sql, params = query.complaints().order_by().values("location").query.sql_with_params()
    sql = f"""
        SELECT ST_Y(c), ST_X(c), n FROM (
            SELECT ST_Centroid(ST_Collect(p.location)) AS c, count(*) AS n
            FROM ({sql}) p
            GROUP BY ST_SnapToGrid(p.location, %s)
        ) cells
        WHERE n >= %s
    """
    with reading(Complaint).cursor() as cursor:
        cursor.execute(sql, [*params, HEAT_CELL_DEG, suppress_below()])
        return [(round(lat, 6), round(lon, 6), n) for lat, lon, n in cursor.fetchall()]
