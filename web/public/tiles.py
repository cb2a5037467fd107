"""Public complaints as map tiles: Mapbox Vector Tiles for GIS clients and the same features as GeoJSON.

A tile is addressed z/x/y on the web-mercator (EPSG:3857) XYZ grid of ST_TileEnvelope. Each complaint
belongs to exactly one tile per zoom: a tile holds the points with west <= x < east and
south < y <= north, so a point on an edge is drawn once, by one tile.

* From ``DETAIL_ZOOM`` (14) on, a tile has one feature per complaint: ``tracking_code``, ``category``,
  ``status``, ``created_at`` (the date in the city's time zone) and ``support_count``. No reporter data. A tile
  holding more than ``FEATURE_CAP`` complaints (the city centre's densest z14 and z15 tiles) is
  counted in cells like a tile below z14: its points would be too many to draw, and too heavy to send.
* Below it, points are counted in square cells of ``CELL`` extent units (64 of 4096, 64 × 64 cells per
  tile, aligned to the tile so a cell never straddles two tiles). A cell with at least
  ``suppress_below()`` complaints becomes one point at their mean position with ``count`` and its most
  frequent ``category``; a cell with fewer is emitted as those complaints themselves (they are
  public; a count below the threshold never is: privacy rule 3 of docs/rules.md). So a tile has at most (suppress_below() − 1) × 4096 features,
  whatever the data.

Tiles and cells are one grid: a point's tile and cell at a zoom are floor((x + WORLD_HALF) / side)
and floor((WORLD_HALF - y) / side) of its mercator metres (``cell_index``), with a tile's side a
power-of-two multiple of a cell's. So a zoom's cells nest exactly into every lower zoom's, and the
cell rollup (rollups.models.TileCell), counted with the same arithmetic, gives a tile below
``DETAIL_ZOOM`` exactly the cells its points give: such a tile whose filters are only the ones the
rollup carries (``TileFilters``: statuses, one category) is counted from it, and reads the complaint
table only for the complaints of its cells of one or two. So is a z14 tile above
``COUNTED_FROM_ROLLUP_ABOVE`` (the rollup has a level 14 for it, and says how many complaints the
tile holds); a less crowded dense tile, or a z15 or deeper one, is counted from its points.

Only public rows (disclosure.public.only_public) enter, whatever queryset the caller passes.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db.models import ExpressionWrapper, F, Field, QuerySet
from django.db.models.functions import TruncDate

from complaints.models import Category, Complaint
from disclosure.public import only_public, suppress_below
from geo.db_router import reading
from geo.tiles import (
    CELLS_PER_SIDE,
    EXTENT,
    WEB_MERCATOR,
    WORLD_HALF,
    cell_index,
    cell_side,
    tile_side,
)
from rollups.models import ID_SQUARES_MODULUS, TILE_LEVELS, TileCell

DETAIL_ZOOM = 14
FEATURE_CAP = 2000  # above this many complaints, a detail tile is counted in cells too
# ... and above this many, its cells come from the rollup rather than its points: reading 6,000
# points and counting them (the centre's open z14 tile at 1,000,000: 26 ms) costs less than reading
# the rollup's cells and then the ~1,400 complaints of its small cells by id (36 ms); at 51,000
# points (all statuses) the rollup wins, 41 ms against 122 ms.
COUNTED_FROM_ROLLUP_ABOVE = 10_000
LAYER = "complaints"

# Properties of one complaint, in the order of the feature rows below.
_COMPLAINT_COLUMNS = ("id", "location", "tracking_code", "category", "status", "created_at", "support_count")
# _source's columns, for filters that leave nothing to read.
_NO_COMPLAINTS = (
    "SELECT NULL::bigint, NULL::geometry, NULL::text, NULL::text, NULL::text, NULL::date, NULL::int WHERE false"
)
_RANKS = 2**20  # more than there will ever be categories (see _counted_rows)
# A complaint's feature columns, from a row of _COMPLAINT_COLUMNS (see _feature_rows).
_COMPLAINT_FEATURE = (
    "tracking_code, category, status, to_char(created_at, 'YYYY-MM-DD') AS created_at, "
    "support_count::int AS support_count, NULL::int AS count"
)


def _side_sql(side: float) -> str:
    return f"{side!r}::float8"


@dataclass(frozen=True)
class TileFilters:
    """A tile's filters when they are only those the cell rollup carries: the statuses shown (None:
    every status) and one category (None: every category). Below DETAIL_ZOOM such a tile is counted
    from rollups.TileCell; anything else (a place, a time window) comes as a queryset and is counted
    from the complaints themselves."""

    statuses: tuple[str, ...] | None = None
    category_id: int | None = None

    def complaints(self) -> QuerySet[Complaint]:
        """The same complaints as a queryset (the point path, and the complaints of small cells)."""
        complaints = Complaint.objects.all()
        if self.statuses is not None:
            complaints = complaints.filter(status__in=self.statuses)
        if self.category_id is not None:
            complaints = complaints.filter(category_id=self.category_id)
        return complaints


def _source(complaints: QuerySet[Complaint]) -> tuple[str, list]:
    """SQL of the public complaints to draw, with the tile's properties as columns (see _COMPLAINT_COLUMNS)."""
    rows = (
        only_public(complaints)
        .order_by()
        .annotate(
            # As a plain column: a geometry field would be selected as ::bytea, which no index can serve.
            point=ExpressionWrapper(F("location"), output_field=Field()),
            category_code=F("category__code"),
            created_date=TruncDate("created_at"),  # in the city's time zone (settings.TIME_ZONE)
        )
        .values("id", "point", "tracking_code", "category_code", "status", "created_date", "support_count")
    )
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # filters no complaint can pass, e.g. open=true with status=selesai
        return _NO_COMPLAINTS, []
    return sql, list(params)


def _feature_rows(z: int, x: int, y: int, complaints: QuerySet[Complaint]) -> tuple[str, list]:
    """SQL of the tile's feature rows: (geom in EPSG:3857, tracking_code, category, status, created_at,
    support_count, count); the columns a feature does not have are NULL (and left out by both encodings).

    Raw SQL: tile envelopes, the cell arithmetic and the two-level aggregation are beyond the ORM.
    z, x and y are validated integers written into the SQL, so ST_TileEnvelope folds to a constant and
    the GiST index on ``location`` picks the tile's points; the complaint filters stay parameters.
    The exact test of a point's tile is its tile index (``cell_index``), the grid the cells use.
    """
    source, params = _source(complaints)
    columns = ", ".join(_COMPLAINT_COLUMNS)
    envelope = f"ST_TileEnvelope({int(z)}, {int(x)}, {int(y)})"
    # The envelope in WGS84, one extent unit wider on each side (in degrees, so it never wraps past
    # ±180° at low zoom), against rounding in the transform; the exact, half-open test is done in metres.
    margin = f"{360.0 / 2**z / EXTENT!r}"
    tile_x, tile_y = cell_index("ST_X(xy.g)", "ST_Y(xy.g)", _side_sql(tile_side(z)))
    inside = f"""
        SELECT xy.*, ST_X(xy.g) AS mx, ST_Y(xy.g) AS my FROM (
            SELECT s.*, ST_Transform(s.location, {WEB_MERCATOR}) AS g
            FROM ({source}) s({columns})
            WHERE s.location && ST_Expand(ST_Transform({envelope}, 4326), {margin})
            -- OFFSET 0 keeps ST_Transform to one call per point (not one per use of g).
            OFFSET 0
        ) xy
        WHERE ({tile_x}, {tile_y}) = ({int(x)}, {int(y)})
    """
    cell_i, cell_j = cell_index("mx", "my", _side_sql(cell_side(z)))
    minimum = int(suppress_below())
    counted = f"""
        points AS (SELECT id, category, mx, my, {cell_i} AS i, {cell_j} AS j FROM inside),
        -- Counting by cell and category first keeps every step a hash aggregate (no sort of the
        -- points), and gives the dominant category cheaply. In a cell of one or two complaints each
        -- category holds at most two, so min(id) and max(id) name them all.
        by_category AS (
            SELECT i, j, category, count(*) AS n, sum(mx) AS sx, sum(my) AS sy, min(id) AS lo, max(id) AS hi
            FROM points GROUP BY i, j, category
        ),
        cells AS (
            SELECT sum(n)::int AS n, sum(sx) / sum(n) AS x, sum(sy) / sum(n) AS y,
                   (array_agg(category ORDER BY n DESC, category))[1] AS category,
                   array_agg(lo) || array_agg(hi) AS ids
            FROM by_category GROUP BY i, j
        )"""
    counts = f"""
        SELECT ST_SetSRID(ST_MakePoint(x, y), {WEB_MERCATOR}) AS geom, NULL::text AS tracking_code, category,
               NULL::text AS status, NULL::text AS created_at, NULL::int AS support_count, n AS count
        FROM cells WHERE n >= {minimum}"""
    small = f"SELECT DISTINCT unnest(ids) AS id FROM cells WHERE n < {minimum}"
    if z < DETAIL_ZOOM:
        # A low-zoom tile's points are many and only counted once: they stream through the count, and
        # the few complaints of small cells are read again by id.
        sql = f"""
            WITH inside AS ({inside}), {counted}
            {counts}
            UNION ALL
            SELECT ST_Transform(s.location, {WEB_MERCATOR}), {_COMPLAINT_FEATURE}
            FROM ({source}) s({columns}) WHERE s.id IN ({small})
        """
        return sql, params + params
    cell_features = f"""{counts}
        UNION ALL
        SELECT g, {_COMPLAINT_FEATURE} FROM inside JOIN ({small}) small USING (id)"""
    # A detail tile: its complaints, or, above the cap, its cells (only the first FEATURE_CAP + 1 are
    # counted to decide).
    sql = f"""
        WITH inside AS MATERIALIZED ({inside}),
        dense AS (SELECT count(*) > {FEATURE_CAP} AS dense FROM (SELECT 1 FROM inside LIMIT {FEATURE_CAP + 1}) f),
        {counted}
        SELECT g AS geom, {_COMPLAINT_FEATURE} FROM inside WHERE NOT (SELECT dense FROM dense)
        UNION ALL
        SELECT * FROM ({cell_features}) c WHERE (SELECT dense FROM dense)
    """
    return sql, params


def _rollup_tile(z: int, x: int, y: int) -> tuple[int, list[str]]:
    """The cell rollup's level for a tile at zoom z (the first at or above it) and the conditions on
    ``t`` (rollups.TileCell) of the tile's rows at that level."""
    level = min(level for level in TILE_LEVELS if level >= z)
    shift = level - z
    first_x, first_y = (x * CELLS_PER_SIDE) << shift, (y * CELLS_PER_SIDE) << shift
    span = CELLS_PER_SIDE << shift
    return level, [
        f"t.level = {level}",
        f"t.cx BETWEEN {first_x} AND {first_x + span - 1}",
        f"t.cy BETWEEN {first_y} AND {first_y + span - 1}",
    ]


def _rollup_filters(filters: TileFilters) -> tuple[list[str], list]:
    conditions, params = [], []
    if filters.statuses is not None:
        conditions.append("t.status = ANY(%s)")
        params.append([str(s) for s in filters.statuses])
    if filters.category_id is not None:
        conditions.append("t.category_id = %s")
        params.append(filters.category_id)
    return conditions, params


def _crowded(z: int, x: int, y: int, filters: TileFilters) -> bool:
    """Whether a detail tile holds more than COUNTED_FROM_ROLLUP_ABOVE complaints (so more than
    FEATURE_CAP too: it is counted in cells either way), summed from its rollup cells at a zoom with
    its own level."""
    _level, tile = _rollup_tile(z, x, y)
    filtered, params = _rollup_filters(filters)
    crowded = f"coalesce(sum(t.n), 0) > {max(COUNTED_FROM_ROLLUP_ABOVE, FEATURE_CAP)}"
    return _one(f"SELECT {crowded} FROM {TileCell._meta.db_table} t WHERE {' AND '.join(tile + filtered)}", params)


def _counted_rows(z: int, x: int, y: int, filters: TileFilters) -> tuple[str, list]:
    """_feature_rows of a tile below DETAIL_ZOOM, or of a crowded detail tile at a zoom with its own
    level, from the cell rollup: the same features from the rollup's rows of the tile (one per
    occupied cell, category and status), not from its points.

    The tile's cells are rollup cells of the first level at or above z, shifted to zoom z (a level's
    cells nest in the tile's). The dominant category is chosen as the point path chooses it (most
    complaints, then the first code in the column's order); a cell's point is its complaints' mean
    (each rollup row keeps the sum of its complaints' offsets from the row's cell corner). A cell of
    one or two complaints names them by the sums of their ids and squared ids (a + b and a² + b²: a
    and b are (sum ± √(2 · squares − sum²)) / 2), and they are read from the complaint table by
    primary key, through the same filters as the point path."""
    level, tile = _rollup_tile(z, x, y)
    shift = level - z
    side = _side_sql(cell_side(level))
    half = f"{WORLD_HALF!r}::float8"
    filtered, filter_params = _rollup_filters(filters)
    # A small cell's rows, found again by its index range at the level (its ids are summed only there:
    # numeric sums for every cell of the tile would cost more than the lookups).
    cell_rows = [
        f"t.level = {level}",
        f"t.cx BETWEEN small.i << {shift} AND ((small.i + 1) << {shift}) - 1",
        f"t.cy BETWEEN small.j << {shift} AND ((small.j + 1) << {shift}) - 1",
    ]
    # At a zoom with its own level the rollup's indices are the tile's: grouping by the columns
    # themselves lets the planner use the key's order.
    cell_i, cell_j = ("t.cx", "t.cy") if shift == 0 else (f"t.cx >> {shift}", f"t.cy >> {shift}")
    source, source_params = _source(filters.complaints())
    columns = ", ".join(_COMPLAINT_COLUMNS)
    minimum = int(suppress_below())
    sql = f"""
        WITH by_category AS (
            SELECT {cell_i} AS i, {cell_j} AS j, t.category_id, sum(t.n) AS n,
                   sum(t.sx + t.n * (t.cx * {side} - {half})) AS sx,
                   sum(t.n * ({half} - t.cy * {side}) - t.sy) AS sy
            FROM {TileCell._meta.db_table} t
            WHERE {" AND ".join(tile + filtered)}
            GROUP BY 1, 2, 3 HAVING sum(t.n) > 0
        ),
        -- The dominant category without sorting each cell's categories: the smallest of
        -- rank - n * 2^20 is the most complaints, then the first code (the point path's order).
        ranked AS (SELECT id, code, row_number() OVER (ORDER BY code) AS rank FROM {Category._meta.db_table}),
        cells AS MATERIALIZED (
            SELECT b.i, b.j, sum(b.n)::int AS n, sum(b.sx) / sum(b.n) AS x, sum(b.sy) / sum(b.n) AS y,
                   mod(mod(min(r.rank - b.n * {_RANKS}), {_RANKS}) + {_RANKS}, {_RANKS}) AS rank
            FROM by_category b JOIN ranked r ON r.id = b.category_id
            GROUP BY b.i, b.j
        ),
        sums AS (
            SELECT small.n, sum(t.sid) AS sid, mod(sum(t.sid2), {ID_SQUARES_MODULUS}) AS sid2
            FROM cells small JOIN {TileCell._meta.db_table} t ON {" AND ".join(cell_rows + filtered)}
            WHERE small.n < {minimum}
            GROUP BY small.i, small.j, small.n
        ),
        small AS (
            SELECT unnest(CASE WHEN n = 1 THEN ARRAY[sid]
                               ELSE ARRAY[(sid - d) / 2, (sid + d) / 2] END)::bigint AS id
            FROM sums CROSS JOIN LATERAL (SELECT round(sqrt(greatest(2 * sid2 - sid * sid, 0))) AS d) root
        )
        SELECT ST_SetSRID(ST_MakePoint(x, y), {WEB_MERCATOR}) AS geom, NULL::text AS tracking_code,
               r.code AS category, NULL::text AS status, NULL::text AS created_at, NULL::int AS support_count,
               n AS count
        FROM cells JOIN ranked r USING (rank) WHERE n >= {minimum}
        UNION ALL
        SELECT ST_Transform(s.location, {WEB_MERCATOR}), {_COMPLAINT_FEATURE}
        FROM ({source}) s({columns}) WHERE s.id IN (SELECT id FROM small)
    """
    return sql, filter_params + filter_params + source_params


def _rows(z: int, x: int, y: int, complaints: QuerySet[Complaint] | TileFilters | None) -> tuple[str, list]:
    """The tile's feature rows: from the cell rollup where it can count them, else from the points."""
    if complaints is None:
        complaints = TileFilters()
    if isinstance(complaints, TileFilters):
        if z < DETAIL_ZOOM or (z in TILE_LEVELS and _crowded(z, x, y, complaints)):
            return _counted_rows(z, x, y, complaints)
        complaints = complaints.complaints()
    return _feature_rows(z, x, y, complaints)


def complaint_tile_mvt(z: int, x: int, y: int, complaints: QuerySet[Complaint] | TileFilters | None = None) -> bytes:
    """The tile as a Mapbox Vector Tile (layer ``complaints``, extent 4096); empty bytes when it has no
    feature. ``complaints``: a queryset (counted from its points), or TileFilters (None: all public
    complaints), counted from the cell rollup below DETAIL_ZOOM."""
    rows, params = _rows(z, x, y, complaints)
    sql = f"""
        SELECT ST_AsMVT(f, '{LAYER}', {EXTENT}, 'geom') FROM (
            SELECT ST_AsMVTGeom(r.geom, ST_TileEnvelope({int(z)}, {int(x)}, {int(y)}), {EXTENT}, 0, false) AS geom,
                   r.tracking_code, r.category, r.status, r.created_at, r.support_count, r.count
            FROM ({rows}) r
        ) f
    """
    return bytes(_one(sql, params) or b"")


def complaint_tile_geojson(z: int, x: int, y: int, complaints: QuerySet[Complaint] | TileFilters | None = None) -> str:
    """The same features as a GeoJSON FeatureCollection in WGS84 (6 decimals, ~0.1 m), built in the
    database; a property a feature does not have is left out rather than null."""
    rows, params = _rows(z, x, y, complaints)
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
            json_strip_nulls(ST_AsGeoJSON(f, 'geom', 6)::json)), '[]'::json))::text
        FROM (
            SELECT ST_Transform(r.geom, 4326) AS geom, r.tracking_code, r.category, r.status, r.created_at,
                   r.support_count, r.count
            FROM ({rows}) r
        ) f
    """
    return _one(sql, params)


def _one(sql: str, params: list):
    """The single value of a tile statement, read where the ORM reads complaints (a replica, if any)."""
    with reading(Complaint).cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
