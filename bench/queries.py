"""Point queries on the bench database (load it first: `python -m bench.generate`).

    .venv/bin/python -m bench.queries

The kecamatan lookup alone on subdivided pieces against the unsubdivided polygons (the whole
routing decision is in bench.routing), the nearby-complaints check of the reporting flow (against a
geography cast in the WHERE clause), a task force's 50 newest open complaints (with and without the
partial index), the public list's GeoJSON for 10,000 complaints, lean and with every property
(against the DRF-gis serializer) and the report card for a month. Each figure is over many different points or task forces.
"""

import random

from bench.common import report, setup_django, timed

SAMPLES = 300


def main() -> None:
    setup_django()
    from django.contrib.gis.geos import Point
    from django.db import connection, transaction

    from boundaries.models import TaskForce
    from complaints.models import Category, Complaint
    from disclosure.public import public_complaints
    from web.public.selectors import nearby_open

    rng = random.Random(7)
    print(f"bench database: {Complaint.objects.count():,} complaints", flush=True)
    points = [(rng.uniform(101.40, 101.50), rng.uniform(0.45, 0.56)) for _ in range(SAMPLES)]
    cycle = iter(points * 1000)

    def one(fn):
        return lambda: fn(*next(cycle))

    sampah = Category.objects.get(code="sampah")

    def lookup(table, column):
        def run(x, y):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT code FROM {table} WHERE {'layer = %s AND ' if table == 'boundaries_boundarypiece' else ''}"
                    f"ST_Covers({column}, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) ORDER BY code LIMIT 1",
                    (["kecamatan"] if table == "boundaries_boundarypiece" else []) + [x, y],
                )
                cursor.fetchall()

        return run

    report(
        "kecamatan lookup on subdivided pieces",
        timed(one(lookup("boundaries_boundarypiece", "piece")), runs=SAMPLES, warmup=20),
        baseline=timed(one(lookup("boundaries_kecamatan", "boundary")), runs=SAMPLES, warmup=20),
    )

    def nearby(x, y):
        list(nearby_open(Point(x, y, srid=4326), sampah, 100)[:20])

    def nearby_geography(x, y):
        list(
            public_complaints()
            .open()
            .filter(category=sampah)
            .extra(
                where=["ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 100)"],
                params=[x, y],
            )[:20]
        )

    report(
        "nearby open complaints within 100 m",
        timed(one(nearby), runs=SAMPLES, warmup=20),
        target="<= 5 ms",
        baseline=timed(one(nearby_geography), runs=20, warmup=2),
    )

    forces = list(TaskForce.objects.values_list("id", flat=True))
    inbox_cycle = iter(forces * 10_000)

    def inbox():
        list(
            Complaint.objects.open()
            .filter(task_force_id=next(inbox_cycle))
            .order_by("-created_at")
            .values_list("id", flat=True)[:50]
        )

    with_index = timed(inbox, runs=SAMPLES, warmup=20)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX complaint_open_inbox")
        without = timed(inbox, runs=50, warmup=5)
        transaction.set_rollback(True)  # the index comes back
    report("task-force inbox, 50 newest open", with_index, target="<= 1 ms", baseline=without)

    public_geojson()
    report_card_month()


def public_geojson() -> None:
    """The public list's Features for 10,000 complaints, written by PostgreSQL: the lean default
    (disclosure.public.LEAN_FEATURE_PROPERTIES) and every property (``?fields=all``), each against
    the DRF-gis serializer and JSON renderer of the full Features on the same rows."""
    from rest_framework.renderers import JSONRenderer

    from disclosure.public import FEATURE_PROPERTIES, LEAN_FEATURE_PROPERTIES, public_complaints
    from web.public.geojson import features_json
    from web.public.serializers import ComplaintSerializer

    ids = list(public_complaints().order_by("-created_at").values_list("id", flat=True)[:10_000])

    def serializer():
        rows = (
            public_complaints()
            .filter(id__in=ids)
            .select_related("category", "kecamatan", "kelurahan", "agency", "task_force")
            .defer("kecamatan__boundary", "kelurahan__boundary")  # the serializer at its best
            .prefetch_related("photos")
            .order_by("-created_at")
        )
        JSONRenderer().render(ComplaintSerializer(rows, many=True).data)

    baseline = timed(serializer, runs=3, warmup=1)
    for name, properties, target in (
        ("public GeoJSON, 10,000 features, in PostgreSQL", LEAN_FEATURE_PROPERTIES, "<= 80 ms"),
        ("  the same with ?fields=all", FEATURE_PROPERTIES, ""),
    ):
        size = len(features_json(ids, properties)) / len(ids)
        print(f"  {name.strip()}: {size:,.0f} bytes per feature", flush=True)
        report(
            name, timed(lambda p=properties: features_json(ids, p), runs=20, warmup=3), target=target, baseline=baseline
        )


def report_card_month() -> None:
    """The report card summed from the rollups, cold, against its statement over the complaints
    (bench.baselines) for the same periods, in the same process."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from bench.baselines import scanned_report_card
    from disclosure.windows import is_ended_whole_months
    from hotspots.report_card import period_of
    from hotspots.views import report_card_answer

    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

    def cold(params):
        cache.clear()
        report_card_answer(params)

    def scanned(period):
        def both():
            for p in (period, period.previous):
                scanned_report_card(p, with_private=is_ended_whole_months(p.since, p.until, now=timezone.now()))

        return timed(both, runs=2)

    now = timezone.now()
    report(
        f"report card for a month ({month}), both periods, cold",
        timed(lambda: cold({"month": month}), runs=5),
        target="<= 200 ms",
        baseline=scanned(period_of(None, None, month, now=now)),
    )
    report(
        "report card, the default 30 days, cold",
        timed(lambda: cold({}), runs=5),
        target="<= 200 ms",
        baseline=scanned(period_of(None, None, None, now=now)),
    )
    report("report card again, from the cache", timed(lambda: report_card_answer({"month": month}), runs=5))


if __name__ == "__main__":
    main()
