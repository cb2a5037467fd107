"""Vector tiles of the public complaint layer on the bench database (load it first: `python -m bench.generate`).

    .venv/bin/python -m bench.tiles

Times a z14 tile in the city centre (each of the 3 × 3 tiles around it in turn) and the z13, z12, z11
and z10 tiles holding the centre, as MVT and as GeoJSON, for all public complaints and for the open
ones (what the home map asks for), and prints each tile's size in bytes and its feature count. Below
z14, and at z14 where a tile holds more than FEATURE_CAP complaints, a tile is counted from the cell
rollup (rollups.TileCell); the same tile counted from the complaints' points (what a tile with a place or time filter still does, and what every low-zoom tile
did before the rollup) is timed in the same process as the baseline, with the ratio. The HTTP view
adds the filter parsing and the ETag; its z14 time is printed too. Last, the rollup's rows per level.
"""

import math

from bench.common import report, setup_django, timed

CENTRE = (101.4478, 0.5071)  # Pekanbaru's centre (Jalan Sudirman), lon/lat
RUNS = 15
MAX_TILE_BYTES = 500 * 1024


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a WGS84 point (spherical mercator)."""
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def main() -> None:
    setup_django()
    import mapbox_vector_tile
    from django.db import connection
    from django.test import Client

    from complaints.models import OPEN_STATUSES, Complaint
    from rollups.models import TileCell
    from web.public.tiles import TileFilters, complaint_tile_geojson, complaint_tile_mvt

    print(f"bench database: {Complaint.objects.count():,} complaints", flush=True)
    client = Client(HTTP_HOST="localhost")
    oversized = []
    for label, counted, query in (
        ("open", TileFilters(statuses=tuple(OPEN_STATUSES)), "?open=true"),
        ("all", TileFilters(), ""),
    ):
        points = counted.complaints()
        for z in (14, 13, 12, 11, 10):
            cx, cy = tile_of(*CENTRE, z)
            tiles = [(cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)] if z == 14 else [(cx, cy)]
            for encoding, build in (("mvt", complaint_tile_mvt), ("geojson", complaint_tile_geojson)):

                def run(source, b=build, z=z, tiles=tiles):
                    cycle = iter(tiles * (RUNS + 2))
                    return timed(lambda: b(z, *next(cycle), source), runs=RUNS, warmup=2)

                result = run(counted)
                baseline = run(points)
                body = build(z, cx, cy, counted)
                size = len(body if isinstance(body, bytes) else body.encode())
                if encoding == "mvt":
                    layer = mapbox_vector_tile.decode(body).get("complaints", {"features": []}) if body else None
                    features = len(layer["features"]) if layer else 0
                else:
                    features = body.count('"Feature"')
                name = f"{label} z{z} {z}/{cx}/{cy}.{encoding}"
                report(name, result, target="<= 30 ms" if z == 14 else "<= 50 ms", baseline=baseline)
                print(f"{'':<48} {size:>10,} bytes   {features:>6,} features", flush=True)
                if size > MAX_TILE_BYTES and encoding == "mvt":
                    oversized.append(name)
        cx, cy = tile_of(*CENTRE, 14)
        url = f"/tiles/complaints/14/{cx}/{cy}.mvt{query}"
        report(f"{label} z14 through the HTTP view", timed(lambda u=url: client.get(u), runs=RUNS, warmup=2))
    print("vector tiles over 500 KB: " + (", ".join(oversized) if oversized else "none"), flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT level, count(*), sum(n) FROM {TileCell._meta.db_table} GROUP BY 1 ORDER BY 1")
        for level, rows, complaints in cursor.fetchall():
            print(f"tile cell rollup level {level}: {rows:,} rows ({complaints:,} public complaints)", flush=True)


if __name__ == "__main__":
    main()
