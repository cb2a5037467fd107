"""Hotspot benchmarks on the bench database (load it first: `python -m bench.generate`).

    .venv/bin/python -m bench.hotspots

Hexagon counts at 250, 500 and 1000 m, the heatmap cells and Gi* over the city's 500 m hexagons, for
all the complaints the bench database holds; each with counting in Python as the baseline where one
exists (the points fetched and binned with numpy on the same hexagon arithmetic).
"""

import math
import time
from dataclasses import replace

import numpy as np

from bench.common import report, setup_django, timed


def python_hex_counts(query) -> dict:
    """The naive way: every point to Python, then the same hexagon arithmetic with numpy."""
    import pyproj

    points = np.array(
        [(p.x, p.y) for p in query.complaints().values_list("location", flat=True).iterator(chunk_size=20_000)]
    )
    x, y = pyproj.Transformer.from_crs(4326, 32647, always_xy=True).transform(points[:, 0], points[:, 1])
    size = query.size_m
    qf, rf = (2 / 3 * x) / size, (-1 / 3 * x + math.sqrt(3) / 3 * y) / size
    q, r, s = np.round(qf), np.round(rf), np.round(-qf - rf)
    dq, dr, ds = abs(q - qf), abs(r - rf), abs(s + qf + rf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    cells, counts = np.unique(np.stack([q, r]), axis=1, return_counts=True)
    return dict(zip(map(tuple, cells.T), counts, strict=True))


def main() -> None:
    setup_django()
    from django.core.cache import cache

    from complaints.models import Complaint
    from hotspots.gistar import gi_star
    from hotspots.hexbins import heat_points, hex_counts
    from hotspots.query import hotspot_query

    total = Complaint.objects.count()
    query = hotspot_query({"since": "2000-01-01"})
    public = query.complaints().count()
    print(f"bench database: {total:,} complaints, {public:,} public in the query", flush=True)
    for size in (250, 500, 1000):
        sized = replace(query, size_m=size)
        result = timed(lambda sized=sized: hex_counts(sized), runs=5)
        baseline = timed(lambda sized=sized: python_hex_counts(sized), runs=3) if size == 250 else None
        report(
            f"hexagon counts, {size} m, in PostGIS",
            result,
            target="<= 500 ms" if size == 250 else "",
            baseline=baseline,
        )
    report("heatmap cells (~100 m), in PostGIS", timed(lambda: heat_points(query), runs=5))

    gi_query = replace(query, size_m=500)

    def cold_gi():
        cache.clear()
        gi_star(gi_query)

    report("Gi* over 500 m hexagons, 999 permutations", timed(cold_gi, runs=3), target="<= 2000 ms")
    report("Gi* again, from the cache", timed(lambda: gi_star(gi_query), runs=5))

    # The streamed export of every public complaint: time to the last byte and the memory it took.
    import resource

    from django.test import Client

    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = Client(HTTP_HOST="127.0.0.1").get("/api/v1/hotspots/exports/complaints.csv", {"since": "2000-01-01"})
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - start
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_kb) / 1024
    print(
        f"{'export complaints.csv, streamed':<48} {seconds:9.1f} s for {size / 1e6:,.0f} MB; peak memory grew {grown_mb:,.0f} MB",
        flush=True,
    )


if __name__ == "__main__":
    main()
