"""Point queries on the bench database (load it first: `python -m bench.generate`).

    .venv/bin/python -m bench.queries

Routing one point (the whole decision from Python, and the kecamatan lookup alone on subdivided
pieces against the unsubdivided polygons), the nearby-complaints check of the reporting flow
(against a geography cast in the WHERE clause) and a task force's 50 newest open complaints (with
and without the partial index). Each figure is over many different points or task forces.
"""

import random

from bench.common import report, setup_django, timed

SAMPLES = 300


def main() -> None:
    setup_django()
    from django.contrib.gis.geos import Point
    from django.db import connection, transaction

    from boundaries.models import TaskForce
    from boundaries.selectors import route
    from complaints.models import Category, Complaint
    from complaints.selectors import nearby_open

    rng = random.Random(7)
    print(f"bench database: {Complaint.objects.count():,} complaints", flush=True)
    points = [(rng.uniform(101.40, 101.50), rng.uniform(0.45, 0.56)) for _ in range(SAMPLES)]
    cycle = iter(points * 1000)

    def one(fn):
        return lambda: fn(*next(cycle))

    sampah = Category.objects.get(code="sampah")
    report(
        "route one point, whole decision, from Python",
        timed(one(lambda x, y: route(Point(x, y, srid=4326), "sampah")), runs=SAMPLES, warmup=20),
        target="<= 0.3 ms in the database",
    )

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
            Complaint.objects.public()
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


if __name__ == "__main__":
    main()
