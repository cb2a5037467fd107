"""Complaints counted in hexagons, per kecamatan and as heat, read from the rollups (rollups.models).

Hexagons are those of ST_HexagonGrid / ST_Hexagon in UTM 47N (EPSG:32647), so their size is true
metres; the grid is anchored at the projection's origin, so a hexagon's (i, j) is the same whatever
the filters, which is what lets two periods be compared. Each complaint's cell at every offered size
is counted when the complaint is written (the rollups' triggers, rollups.sql); a reading sums the
cells' counts over the window (its whole months from the month rollup when nothing else is filtered,
its other days from the day rollup) and draws one ST_Hexagon per occupied cell.
Windows are whole days in the city's time zone (rollups.windows), which is also the disclosure rule.
"""

from dataclasses import dataclass

from complaints.models import Complaint, statuses_of
from disclosure.public import public_rollup, suppress_below
from geo.db_router import reading
from geo.spatial import UTM47N
from hotspots.query import HotspotQuery
from rollups.models import HEAT_GRID, AreaDay, CellDay, CellMonth, CellTotal
from rollups.windows import day_range, month_split


def _where(query: HotspotQuery, alias: str) -> tuple[str, dict]:
    """The rollup rows a query is about: its days, category, statuses and kecamatan."""
    since, until = day_range(query.since, query.until)
    conditions = [f"{alias}.day >= %(since)s", f"{alias}.day < %(until)s"]
    params = {"since": since, "until": until}
    if query.category:
        conditions.append(f"{alias}.category_id = %(category)s")
        params["category"] = query.category.id
    if (statuses := statuses_of(query.status)) is not None:
        conditions.append(f"{alias}.status = ANY(%(statuses)s)")
        params["statuses"] = statuses
    if query.kecamatan:
        conditions.append(f"{alias}.kecamatan_id = %(kecamatan)s")
        params["kecamatan"] = query.kecamatan.id
    return " AND ".join(conditions), params


def _cells(query: HotspotQuery, grid: int) -> tuple[str, dict]:
    """SQL of (i, j, n, sx, sy) per occupied cell of ``grid``: the cell rollups hold public complaints
    only. A query with no filter but its window reads the month rollup for the window's whole months
    and the day rollup for the days on either side, or the all-time rollup when the window holds
    every day with complaints."""
    where, params = _where(query, "r")
    months = (
        None if query.category or query.status or query.kecamatan else month_split(params["since"], params["until"])
    )
    if months is None:
        rows = f"SELECT r.i, r.j, r.n, r.sx, r.sy FROM {CellDay._meta.db_table} r WHERE r.grid = %(grid)s AND {where}"
    else:
        # A window that holds every day with complaints reads the all-time cells instead (the
        # condition is one index probe at each end of the day rollup's grid, decided once).
        params = {**params, "first_month": months[0], "after_months": months[1]}
        rows = f"""
            WITH span AS (
                SELECT coalesce(min(d.day) >= %(since)s AND max(d.day) < %(until)s, false) AS everything
                FROM {CellDay._meta.db_table} d WHERE d.grid = %(grid)s
            )
            SELECT c.i, c.j, c.n, c.sx, c.sy FROM {CellTotal._meta.db_table} c
            WHERE c.grid = %(grid)s AND (SELECT everything FROM span)
            UNION ALL
            SELECT r.i, r.j, r.n, r.sx, r.sy FROM {CellDay._meta.db_table} r
            WHERE r.grid = %(grid)s AND {where} AND (r.day < %(first_month)s OR r.day >= %(after_months)s)
              AND NOT (SELECT everything FROM span)
            UNION ALL
            SELECT m.i, m.j, m.n, m.sx, m.sy FROM {CellMonth._meta.db_table} m
            WHERE m.grid = %(grid)s AND m.month >= %(first_month)s AND m.month < %(after_months)s
              AND NOT (SELECT everything FROM span)
        """
    sql = f"""
        SELECT r.i, r.j, sum(r.n)::int AS n, sum(r.sx) AS sx, sum(r.sy) AS sy
        FROM ({rows}) r
        GROUP BY r.i, r.j HAVING sum(r.n) > 0
    """
    return sql, {**params, "grid": grid}


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

    Raw SQL: ST_Hexagon and ST_HexagonGrid are beyond the ORM. The size and the kecamatan id are
    integers from a validated query, so they are written into the SQL; the filters stay parameters.
    """
    size = int(query.size_m)
    cells, params = _cells(query, size)
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
    where, params = _where(query, "a")
    category = "p.code" if by_category else "NULL::text"
    sql = f"""
        SELECT k.code, k.name, {category}, coalesce(sum(p.n), 0)::int,
               ST_Area(ST_Transform(k.boundary, {UTM47N})) / 1e6, ST_AsGeoJSON(k.boundary, 6)
        FROM boundaries_kecamatan k
        LEFT JOIN (
            SELECT a.kecamatan_id, cat.code, a.n
            FROM {AreaDay._meta.db_table} a JOIN complaints_category cat ON cat.id = a.category_id
            WHERE {public_rollup("a")} AND a.n <> 0 AND {where}
        ) p ON p.kecamatan_id = k.id
        {"WHERE k.id = %(kecamatan)s" if query.kecamatan else ""}
        GROUP BY k.id, {category}
        ORDER BY k.code, 3
    """
    with reading(Complaint).cursor() as cursor:
        cursor.execute(sql, params)
        return [KecamatanCount(*row) for row in cursor.fetchall()]


def heat_points(query: HotspotQuery) -> list[tuple[float, float, int]]:
    """(lat, lon, weight) per heat cell (HEAT_CELL_DEG, about 100 m), at the centroid of its complaints:
    what Leaflet.heat draws, never one point per complaint.

    Cells with fewer than disclosure.public.suppress_below() complaints are left out, like every public aggregate.
    """
    cells, params = _cells(query, HEAT_GRID)
    sql = f"SELECT sy / n, sx / n, n FROM ({cells}) cells WHERE n >= %(minimum)s ORDER BY i, j"
    with reading(Complaint).cursor() as cursor:
        cursor.execute(sql, {**params, "minimum": suppress_below()})
        return [(round(lat, 6), round(lon, 6), n) for lat, lon, n in cursor.fetchall()]
