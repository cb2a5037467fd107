"""Demo assets for a city without an asset file: street-light poles every ~40 m along straight
"roads" between the centroids (points on surface) of neighbouring kelurahan, and one TPS per
kelurahan. There is no road file in the repository, so the lines only look like a network; the same
poles, ids and owners come out on every machine (no randomness), and loading twice changes nothing.

One line in five is PLN's (its poles carry PLN's lines and lamps): a complaint on one of those goes
to PLN (docs/rules.md, routing rule 3).
"""

from django.contrib.gis.geos import Point
from django.db import connection

from assets.importer import Row, import_assets
from assets.models import AssetKind
from boundaries.models import Kelurahan
from geo.spatial import UTM47N, WGS84

POLE_SPACING_M = 40
PLN_EVERY = 5
# Longer lines cross the outskirts' fields; leaving them out keeps the set to a few thousand poles.
LONGEST_LINE_M = 2500

_POLES_SQL = f"""
WITH k AS (
    SELECT id, code, boundary, ST_Transform(ST_PointOnSurface(boundary), {UTM47N}) AS c
    FROM {Kelurahan._meta.db_table}
),
lines AS (
    SELECT row_number() OVER (ORDER BY a.code, b.code) AS n, ST_MakeLine(a.c, b.c) AS line
    FROM k a JOIN k b ON a.code < b.code AND ST_Intersects(a.boundary, b.boundary)
)
SELECT n, p.path[1] AS i, ST_X(ST_Transform(p.geom, {WGS84})), ST_Y(ST_Transform(p.geom, {WGS84}))
FROM lines,
     LATERAL ST_DumpPoints(
         ST_LineInterpolatePoints(line, least(1.0, %(spacing)s / greatest(ST_Length(line), 1)), true)
     ) p
WHERE ST_Length(line) BETWEEN %(spacing)s AND %(longest)s
ORDER BY n, i
"""


def demo_poles() -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(_POLES_SQL, {"spacing": POLE_SPACING_M, "longest": LONGEST_LINE_M})
        return [
            Row(
                f"PJU-{n:03d}-{i:03d}", "PLN" if n % PLN_EVERY == 0 else "", Point(round(x, 7), round(y, 7), srid=WGS84)
            )
            for n, i, x, y in cursor.fetchall()
        ]


def demo_tps() -> list[Row]:
    rows = []
    for kelurahan in Kelurahan.objects.order_by("code"):
        point = kelurahan.boundary.point_on_surface
        rows.append(Row(f"TPS-{kelurahan.code}", "", Point(round(point.x, 7), round(point.y, 7), srid=WGS84)))
    return rows


def demo_assets() -> dict[str, int]:
    """Load the demo poles and TPS (the kinds must exist: load_categories); returns how many were new."""
    created = {}
    for code, rows in (("lampu-jalan", demo_poles()), ("tps", demo_tps())):
        kind = AssetKind.objects.filter(code=code).first()
        if kind is None:
            continue
        created[code] = import_assets(kind, rows, commit=True).new
    return created
