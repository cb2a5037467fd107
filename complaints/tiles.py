"""Public complaints as map tiles: Mapbox Vector Tiles for GIS clients and the same features as GeoJSON.

A tile is addressed z/x/y on the web-mercator (EPSG:3857) XYZ grid of ST_TileEnvelope. Each complaint
belongs to exactly one tile per zoom: a tile holds the points with west <= x < east and
south < y <= north, so a point on an edge is drawn once, by one tile.

* From ``DETAIL_ZOOM`` (14) on, a tile has one feature per complaint: ``tracking_code``, ``category``,
  ``status``, ``created_at`` (the date in Asia/Jakarta) and ``support_count``. No reporter data. A tile
  holding more than ``FEATURE_CAP`` complaints (the city centre's densest z14 and z15 tiles) is
  counted in cells like a tile below z14: its points would be too many to draw, and too heavy to send.
* Below it, points are counted in square cells of ``CELL`` extent units (64 of 4096, 64 × 64 cells per
  tile, aligned to the tile so a cell never straddles two tiles). A cell with at least
  ``suppress_below()`` (3) complaints becomes one point at their mean position with ``count`` and its most
  frequent ``category``; a cell with one or two is emitted as those complaints themselves (they are
  public; a count below 3 never is: privacy rule 3 of docs/rules.md). So a tile has at most 2 × 4096 features,
  whatever the data.

Only public rows (disclosure.public.only_public) enter, whatever queryset the caller passes.
"""

from django.db.models import ExpressionWrapper, F, Field, QuerySet
from django.db.models.functions import TruncDate

from complaints.models import Complaint
from disclosure.public import only_public, suppress_below
from geo.db_router import reading

MAX_ZOOM = 22
DETAIL_ZOOM = 14
EXTENT = 4096  # MVT coordinate units per tile side (the spec's default)
CELL = 64  # aggregation cell side, in extent units: 64 × 64 cells per tile
FEATURE_CAP = 2000  # above this many complaints, a detail tile is counted in cells too
LAYER = "complaints"
WEB_MERCATOR = 3857

# Properties of one complaint, in the order of the feature rows below.
_COMPLAINT_COLUMNS = ("id", "location", "tracking_code", "category", "status", "created_at", "support_count")


def tile_in_range(z: int, x: int, y: int) -> bool:
    """Whether z/x/y names a tile of the XYZ grid (z 0..22, x and y in 0..2^z-1)."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def _source(complaints: QuerySet[Complaint]) -> tuple[str, list]:
    """SQL of the public complaints to draw, with the tile's properties as columns (see _COMPLAINT_COLUMNS)."""
    rows = (
        only_public(complaints)
        .order_by()
        .annotate(
            # As a plain column: a geometry field would be selected as ::bytea, which no index can serve.
            point=ExpressionWrapper(F("location"), output_field=Field()),
            category_code=F("category__code"),
            created_date=TruncDate("created_at"),  # in the site's time zone, Asia/Jakarta
        )
        .values("id", "point", "tracking_code", "category_code", "status", "created_date", "support_count")
    )
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _feature_rows(z: int, x: int, y: int, complaints: QuerySet[Complaint]) -> tuple[str, list]:
    """SQL of the tile's feature rows: (geom in EPSG:3857, tracking_code, category, status, created_at,
    support_count, count); the columns a feature does not have are NULL (and left out by both encodings).

    Raw SQL: tile envelopes, the cell arithmetic and the two-level aggregation are beyond the ORM.
    z, x and y are validated integers written into the SQL, so ST_TileEnvelope folds to a constant and
    the GiST index on ``location`` picks the tile's points; the complaint filters stay parameters.
    """
    source, params = _source(complaints)
    columns = ", ".join(_COMPLAINT_COLUMNS)
    envelope = f"ST_TileEnvelope({int(z)}, {int(x)}, {int(y)})"
    # The envelope in WGS84, one extent unit wider on each side (in degrees, so it never wraps past
    # ±180° at low zoom), against rounding in the transform; the exact, half-open test is done in metres.
    margin = f"{360.0 / 2**z / EXTENT!r}"
    inside = f"""
        SELECT xy.*, ST_X(xy.g) AS mx, ST_Y(xy.g) AS my FROM (
            SELECT s.*, ST_Transform(s.location, {WEB_MERCATOR}) AS g
            FROM ({source}) s({columns})
            WHERE s.location && ST_Expand(ST_Transform({envelope}, 4326), {margin})
            -- OFFSET 0 keeps ST_Transform to one call per point (not one per use of g).
            OFFSET 0
        ) xy
        WHERE ST_X(xy.g) >= ST_XMin({envelope}) AND ST_X(xy.g) < ST_XMax({envelope})
          AND ST_Y(xy.g) > ST_YMin({envelope}) AND ST_Y(xy.g) <= ST_YMax({envelope})
    """
    complaint_feature = (
        "tracking_code, category, status, to_char(created_at, 'YYYY-MM-DD') AS created_at, "
        "support_count::int AS support_count, NULL::int AS count"
    )
    cell = f"((ST_XMax({envelope}) - ST_XMin({envelope})) * {CELL} / {EXTENT})"
    minimum = int(suppress_below())
    counted = f"""
        points AS (
            SELECT id, category, mx, my,
                   floor((mx - ST_XMin({envelope})) / {cell})::int AS i,
                   floor((ST_YMax({envelope}) - my) / {cell})::int AS j
            FROM inside
        ),
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
            SELECT ST_Transform(s.location, {WEB_MERCATOR}), {complaint_feature}
            FROM ({source}) s({columns}) WHERE s.id IN ({small})
        """
        return sql, params + params
    cell_features = f"""{counts}
        UNION ALL
        SELECT g, {complaint_feature} FROM inside JOIN ({small}) small USING (id)"""
    # A detail tile: its complaints, or, above the cap, its cells (only the first FEATURE_CAP + 1 are
    # counted to decide).
    sql = f"""
        WITH inside AS MATERIALIZED ({inside}),
        dense AS (SELECT count(*) > {FEATURE_CAP} AS dense FROM (SELECT 1 FROM inside LIMIT {FEATURE_CAP + 1}) f),
        {counted}
        SELECT g AS geom, {complaint_feature} FROM inside WHERE NOT (SELECT dense FROM dense)
        UNION ALL
        SELECT * FROM ({cell_features}) c WHERE (SELECT dense FROM dense)
    """
    return sql, params


def complaint_tile_mvt(z: int, x: int, y: int, complaints: QuerySet[Complaint] | None = None) -> bytes:
    """The tile as a Mapbox Vector Tile (layer ``complaints``, extent 4096); empty bytes when it has no feature."""
    rows, params = _feature_rows(z, x, y, Complaint.objects.all() if complaints is None else complaints)
    sql = f"""
        SELECT ST_AsMVT(f, '{LAYER}', {EXTENT}, 'geom') FROM (
            SELECT ST_AsMVTGeom(r.geom, ST_TileEnvelope({int(z)}, {int(x)}, {int(y)}), {EXTENT}, 0, false) AS geom,
                   r.tracking_code, r.category, r.status, r.created_at, r.support_count, r.count
            FROM ({rows}) r
        ) f
    """
    return bytes(_one(sql, params) or b"")


def complaint_tile_geojson(z: int, x: int, y: int, complaints: QuerySet[Complaint] | None = None) -> str:
    """The same features as a GeoJSON FeatureCollection in WGS84 (6 decimals, ~0.1 m), built in the
    database; a property a feature does not have is left out rather than null."""
    rows, params = _feature_rows(z, x, y, Complaint.objects.all() if complaints is None else complaints)
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
