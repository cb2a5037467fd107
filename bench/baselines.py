"""The computations the rollups replaced, kept for the benchmarks' same-process baselines: each
public aggregate as it was computed from the complaint table itself, on the same filters."""


from django.db import connection
from django.db.models import F

from disclosure.public import suppress_below
from rollups.sql import cell_of


def scanned_hex_counts(query) -> int:
    """Hexagon counts from the complaints' stored UTM coordinates: one pass over the table."""
    points, params = query.complaints().order_by().values(x=F("utm_x"), y=F("utm_y")).query.sql_with_params()
    joins, i, j = cell_of("src.x", "src.y", "0", "0", str(int(query.size_m)))
    sql = f"SELECT {i}, {j}, count(*) FROM ({points}) src {joins} GROUP BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def scanned_heat_points(query) -> int:
    sql, params = query.complaints().order_by().values("location").query.sql_with_params()
    sql = f"""
        SELECT ST_Y(c), ST_X(c), n FROM (
            SELECT ST_Centroid(ST_Collect(p.location)) AS c, count(*) AS n
            FROM ({sql}) p GROUP BY ST_SnapToGrid(p.location, 0.001)
        ) cells WHERE n >= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, suppress_below()])
        return len(cursor.fetchall())
