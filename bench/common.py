"""Shared pieces of the benchmarks: Django set-up against the bench database, timing and printing.

The benchmarks run against their own database (``peka_bench`` on the project's cluster, or
BENCH_DATABASE_URL), so the demo data of `make run` is never touched.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable

BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", f"postgis://postgres@127.0.0.1:{os.environ.get('PEKA_DB_PORT', '54329')}/peka_bench"
)


def setup_django() -> None:
    _create_database(BENCH_DB)
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
    import django

    django.setup()


def _create_database(url: str) -> None:
    """The bench database with PostGIS, created on first use."""
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"] or None}
    server = psycopg.connect(dbname="postgres", **params)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    server.close()
    bench = psycopg.connect(dbname=db["NAME"], **params)
    bench.autocommit = True
    with bench.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    bench.close()


def timed(fn: Callable, *, runs: int = 5, warmup: int = 1) -> dict:
    """Median and p95 wall time (ms) of ``fn`` over ``runs`` runs after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
        "runs": runs,
    }


def report(name: str, result: dict, *, target: str = "", baseline: dict | None = None) -> None:
    line = f"{name:<48} median {result['median_ms']:9.1f} ms   p95 {result['p95_ms']:9.1f} ms"
    if baseline:
        line += f"   baseline median {baseline['median_ms']:9.1f} ms   ratio {baseline['median_ms'] / result['median_ms']:6.1f}x"
    if target:
        line += f"   target {target}"
    print(line, flush=True)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
