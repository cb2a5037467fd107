"""Hotspot benchmarks on the bench database (load it first: `python -m bench.generate`).

    .venv/bin/python -m bench.hotspots
    BENCH_EXPORT=0 .venv/bin/python -m bench.hotspots    # without the streamed export (minutes at 1M)

Hexagon counts at 250, 500 and 1000 m, the heatmap cells and Gi* over the city's 500 m hexagons, read
from the rollups over several filters and windows; each with the same answer computed by scanning the
complaint table (what the rollups replaced, bench.baselines) as the baseline in the same process, and
counting in Python (every point fetched and binned with numpy) once. Under each figure, the median
of each variant alone.
"""

import itertools
import math
import os
import time
from dataclasses import replace
from datetime import timedelta

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


def each(names: list[str], reads: list) -> None:
    """The median of each variant alone, on one indented line."""
    medians = [f"{name} {timed(read, runs=3)['median_ms']:.0f} ms" for name, read in zip(names, reads, strict=True)]
    print("    " + " · ".join(medians), flush=True)


def main() -> None:
    setup_django()
    from django.core.cache import cache
    from django.utils import timezone

    from bench.baselines import scanned_heat_points, scanned_hex_counts
    from complaints.models import Complaint
    from hotspots.gistar import gi_star
    from hotspots.hexbins import heat_points, hex_counts
    from hotspots.query import hotspot_query

    total = Complaint.objects.count()
    query = hotspot_query({"since": "2000-01-01"})
    public = query.complaints().count()
    print(f"bench database: {total:,} complaints, {public:,} public in the query", flush=True)
    # Any filter and any whole-day window: the default year, a month, one category, the open ones,
    # one kecamatan, and everything; cycled through so the p95 covers them all.
    names = ["year", "30 days", "sampah, year", "open, year", "selesai in 14.71.01, year", "everything"]
    variants = [
        hotspot_query({}),
        hotspot_query({"since": (timezone.now() - timedelta(days=30)).isoformat()}),
        hotspot_query({"category": "sampah"}),
        hotspot_query({"status": "open"}),
        hotspot_query({"kecamatan": "14.71.01", "status": "selesai"}),
        query,
    ]
    for size in (250, 500, 1000):
        sized = [replace(v, size_m=size) for v in variants]
        cycle = itertools.cycle(sized)
        result = timed(lambda c=cycle: hex_counts(next(c)), runs=3 * len(sized))
        scanned = itertools.cycle(sized)
        baseline = timed(lambda c=scanned: scanned_hex_counts(next(c)), runs=len(sized))
        report(f"hexagon counts, {size} m, from the rollup", result, target="p95 <= 100 ms", baseline=baseline)
        each(names, [lambda v=v: hex_counts(v) for v in sized])
    report(
        "hexagon counts, 250 m, counted in Python",
        timed(lambda: python_hex_counts(replace(query, size_m=250)), runs=2),
    )
    cycle, scanned = itertools.cycle(variants), itertools.cycle(variants)
    report(
        "heatmap cells (~100 m), from the rollup",
        timed(lambda: heat_points(next(cycle)), runs=3 * len(variants)),
        target="p95 <= 100 ms",
        baseline=timed(lambda: scanned_heat_points(next(scanned)), runs=len(variants)),
    )
    each(names, [lambda v=v: heat_points(v) for v in variants])

    gi_query = replace(hotspot_query({}), size_m=500)  # the default window: whole days, so cacheable

    def cold_gi():
        cache.clear()
        gi_star(gi_query)

    report("Gi* over 500 m hexagons, 999 permutations, cold", timed(cold_gi, runs=3), target="<= 500 ms")
    report("Gi* again, from the cache (default window)", timed(lambda: gi_star(gi_query), runs=5))

    if os.environ.get("BENCH_EXPORT", "1") == "0":
        return
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
