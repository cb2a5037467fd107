"""Routing benchmarks on the bench database (load it first: `python -m bench.generate`).

    .venv/bin/python -m bench.routing

1. Routing one point in the database: the product's routing statement (boundaries.selectors),
   prepared once with a generic plan, as the product runs it, and executed for many different
   points, against the very same statement over the unsubdivided polygons (a copy of the pieces table holding each whole kecamatan, kelurahan and
   jurisdiction). Also the whole decision from Python, as the intake calls it.
2. Bulk import with routing (complaints.bulk: COPY + one routed INSERT … SELECT) against filing the
   same rows one by one through the intake service (route, insert, event per row).
3. Re-routing every complaint after a jurisdiction change, with all 1,000,000 of them made open,
   against routing and updating them one by one (timed on a sample, rate extrapolated); then the
   same committed, in two shares on two connections, in a copy of the bench database.
Every other write happens in a transaction that is rolled back: the bench database is left as it was.
"""

import random
import time

from bench.common import progress, report, setup_django, timed

SAMPLES = 500
BULK_ROWS = 200_000
PER_ROW_SAMPLE = 1_000


def main() -> None:
    setup_django()
    from complaints.models import Complaint

    print(f"bench database: {Complaint.objects.count():,} complaints", flush=True)
    route_one_point()
    bulk_import()
    reroute_everything()
    reroute_in_parallel()


def route_one_point() -> None:
    from django.contrib.gis.geos import Point
    from django.db import connection, transaction

    from boundaries.selectors import prepare_route, route, route_params

    rng = random.Random(7)
    points = [(rng.uniform(101.40, 101.50), rng.uniform(0.45, 0.56)) for _ in range(SAMPLES)]
    categories = ["sampah", "drainase", "lampu-jalan", "jalan-rusak"]
    settings = route_params()
    constants = [settings["tolerance_m"], settings["tolerance_deg"], settings["border_deg"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMP TABLE whole_polygons ON COMMIT DROP AS
            SELECT 'kecamatan'::text AS layer, id AS area_id, code, boundary AS piece, NULL::varchar[] AS categories
            FROM boundaries_kecamatan
            UNION ALL SELECT 'kelurahan', id, code, boundary, NULL FROM boundaries_kelurahan
            UNION ALL SELECT 'jurisdiction', id, code, area, categories FROM boundaries_jurisdiction;
            CREATE INDEX ON whole_polygons USING gist (piece);
            ANALYZE whole_polygons
            """
        )
        prepare_route(cursor, "route_pieces")
        prepare_route(cursor, "route_whole", pieces_table="whole_polygons")

        def executor(name):
            cycle = iter(list(enumerate(points)) * 100)

            def run():
                k, (x, y) = next(cycle)
                cursor.execute(f"EXECUTE {name}(%s, %s, %s, %s, %s, %s)", [[x], [y], [categories[k % 4]], *constants])
                cursor.fetchall()

            return run

        report(
            "route one point in the database (prepared)",
            timed(executor("route_pieces"), runs=SAMPLES, warmup=50),
            target="p95 <= 0.3 ms",
            baseline=timed(executor("route_whole"), runs=SAMPLES, warmup=50),
        )
    cycle = iter(points * 100)
    report(
        "route one point, whole decision, from Python",
        timed(lambda: route(Point(*next(cycle), srid=4326), "sampah"), runs=SAMPLES, warmup=50),
    )


class _Rollback(Exception):
    pass


def _rolled_back(fn):
    """Run ``fn`` in a transaction that is then undone; return its wall time in seconds."""
    from django.db import transaction

    start = time.perf_counter()
    try:
        with transaction.atomic():
            fn()
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        return elapsed


def bulk_import() -> None:
    from complaints.bulk import complaints_load
    from complaints.demo import demo_complaints
    from complaints.intake import complaint_create

    progress(f"drawing {BULK_ROWS:,} rows for the import benchmark…")
    rows = demo_complaints(BULK_ROWS, seed=4242, days=730)
    loaded = []
    bulk_s = _rolled_back(lambda: loaded.append(complaints_load(rows)))
    stored = len(loaded[0].created_ids)
    sample = rows[:PER_ROW_SAMPLE]
    per_row_stored = []

    def one_by_one():
        for row in sample:
            try:
                complaint_create(category=row.category, description=row.description, location=row.location)
                per_row_stored.append(1)
            except Exception:  # noqa: BLE001 - a point drawn outside the city is refused, as in bulk
                pass

    per_row_s = _rolled_back(one_by_one)
    bulk_rate, per_row_rate = stored / bulk_s, len(per_row_stored) / per_row_s
    print(
        f"{'bulk import with routing (steady state)':<48} {bulk_rate:9,.0f} complaints/s ({stored:,} stored in {bulk_s:.1f} s)"
        f"   per-row {per_row_rate:7,.0f}/s   ratio {bulk_rate / per_row_rate:6.1f}x   target >= 25,000/s, ratio >= 4x",
        flush=True,
    )

    # What the rollups cost a bulk load: the same rows with their triggers off (rolled back too).
    def without_rollups():
        from django.db import connection

        with connection.cursor() as cursor:
            for trigger in ("rollups_insert", "rollups_update", "rollups_delete"):
                cursor.execute(f"ALTER TABLE complaints_complaint DISABLE TRIGGER {trigger}")
        complaints_load(rows)

    bare_s = _rolled_back(without_rollups)
    print(
        f"{'bulk import, the rollup triggers off':<48} {stored / bare_s:9,.0f} complaints/s ({bare_s:.1f} s): "
        f"the rollups cost {bulk_s / bare_s:.1f}x",
        flush=True,
    )


def garbage_jurisdiction(code: str):
    """The re-routing benchmarks' change: a new garbage jurisdiction over two kecamatan, above the
    existing ones."""
    from boundaries.models import Agency, Jurisdiction
    from boundaries.services import jurisdiction_save, kecamatan_union

    return jurisdiction_save(
        Jurisdiction(
            code=code,
            agency=Agency.objects.get(code="DLHK"),
            categories=["sampah"],
            area=kecamatan_union(["14.71.01", "14.71.02"]),
            priority=50,
        )
    )


def reroute_everything() -> None:
    from django.db import connection

    from complaints.models import Complaint, Status
    from complaints.rerouting import complaints_reroute
    from complaints.routing import route_complaint

    results = {}

    def change_jurisdictions():
        garbage_jurisdiction("BENCH-SAMPAH")

    def change_and_reroute():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE complaints_complaint SET status = %s, closed_at = NULL", [Status.BARU])
            cursor.execute("ANALYZE complaints_complaint")
        results["open"] = Complaint.objects.open().count()
        change_jurisdictions()
        start = time.perf_counter()
        results["report"] = complaints_reroute(commit=True)
        results["seconds"] = time.perf_counter() - start

    _rolled_back(change_and_reroute)

    def per_row():
        change_jurisdictions()
        start = time.perf_counter()
        for complaint in Complaint.objects.select_related("category").order_by("?")[:PER_ROW_SAMPLE]:
            route = route_complaint(complaint.location, complaint.category)
            complaint.agency_id = route.agency.id if route.agency else None
            complaint.jurisdiction_id = route.jurisdiction_id
            complaint.routing_reason = route.stored_reason()
            complaint.save(update_fields=["agency", "jurisdiction", "routing_reason"])
        results["per_row_rate"] = PER_ROW_SAMPLE / (time.perf_counter() - start)

    _rolled_back(per_row)
    rate = results["open"] / results["seconds"]
    print(
        f"{'re-route every open complaint (one statement)':<48} {results['seconds']:9.1f} s for {results['open']:,} open, "
        f"{results['report'].moved_complaints:,} moved ({rate:,.0f}/s)   per-row {results['per_row_rate']:,.0f}/s "
        f"(≈ {results['open'] / results['per_row_rate']:,.0f} s)   ratio {rate / results['per_row_rate']:.1f}x   target <= 20 s",
        flush=True,
    )


def reroute_in_parallel() -> None:
    """Re-routing committed, as ``manage.py reroute`` runs it: its own transaction, the open
    complaints routed in two shares on two connections (complaints.rerouting.WORKERS). The bench
    database cannot be changed for it, so this runs in a copy of it (CREATE DATABASE … TEMPLATE),
    where every complaint is made open and a jurisdiction changes, both committed: then a dry run on
    one connection, a dry run in two shares, and the committed re-route in two shares. The copy is
    dropped at the end."""
    import psycopg
    from django.db import connection, connections

    from complaints import rerouting
    from complaints.models import Complaint, Status

    settings = connections.settings["default"]
    source, copy = settings["NAME"], f"{settings['NAME']}_reroute"
    server = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"], "dbname": "postgres"}
    connections.close_all()
    progress(f"re-route, committed: copying {source} to {copy} …")
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {copy}")
        for _attempt in range(10):  # autovacuum may be in the source for a moment
            try:
                admin.execute(f"CREATE DATABASE {copy} TEMPLATE {source}")
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(3)
    settings["NAME"] = copy
    try:
        with connection.cursor() as cursor:
            progress("  every complaint made open (committed, untimed; no trigger: the copy's rollups do not matter) …")
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("UPDATE complaints_complaint SET status = %s, closed_at = NULL", [Status.BARU])
            cursor.execute("RESET session_replication_role")
            cursor.execute("VACUUM ANALYZE complaints_complaint")
        garbage_jurisdiction("BENCH-PARALLEL")
        open_now = Complaint.objects.open().count()
        times = {}
        for workers in (1, 2):
            rerouting.WORKERS = workers
            start = time.perf_counter()
            rerouting.complaints_reroute(commit=False)
            times[workers] = time.perf_counter() - start
        start = time.perf_counter()
        report = rerouting.complaints_reroute(commit=True)
        committed = time.perf_counter() - start
        print(
            f"{'re-route every open complaint, committed':<48} {committed:9.1f} s for {open_now:,} open, "
            f"{report.moved_complaints:,} moved, two shares   dry runs: one connection {times[1]:.1f} s, "
            f"two shares {times[2]:.1f} s (ratio {times[1] / times[2]:.2f}x)   target <= 20 s",
            flush=True,
        )
    finally:
        rerouting.WORKERS = 2
        connections.close_all()
        settings["NAME"] = source
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {copy}")


if __name__ == "__main__":
    main()
