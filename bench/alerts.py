"""Area-alert benchmarks (docs/benchmarks.md): matching one new complaint against ALERTS_N confirmed
subscriptions (target ≤ 2 ms), and the daily digest for ALERTS_N daily subscribers assembled and its
jobs queued (target ≤ 60 s).

    .venv/bin/python -m bench.alerts                 # ALERTS_N subscriptions (default 100,000)
    ALERTS_N=10000 .venv/bin/python -m bench.alerts  # a quick run

The machine is shared: the load average is printed with the figures. The subscriptions are written
by the database: 60 % circles of 100–1,000 m (the map offers 500 m) around random points of
the city (buffered in UTM 47N, as alerts.places does), 30 % kelurahan and 10 % kecamatan (their
boundaries copied), a quarter of them narrowed to one category. The day has ALERTS_DAY complaints
(default 1,000) at random points of the city.
"""

import io
import os
import random
import time
from datetime import timedelta

from bench.common import progress, report, setup_django, timed


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    n = int(os.environ.get("ALERTS_N", "100000"))
    day_count = int(os.environ.get("ALERTS_DAY", "1000"))
    call_command("migrate", verbosity=0)
    for command in ("load_city", "load_agencies", "load_categories"):
        call_command(command, stdout=io.StringIO())

    from alerts import selectors, services
    from alerts.models import Subscription
    from boundaries.models import Kecamatan, Kelurahan
    from complaints.bulk import NewComplaint, complaints_load
    from complaints.models import Category
    from complaints.tracking import new_tracking_code
    from notifications.models import Delivery

    progress(f"writing {n} confirmed subscriptions…")
    _subscriptions(connection, n, Subscription, Kelurahan, Kecamatan)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Subscription._meta.db_table}")

    # Matching: random points of the city (routed, as at filing), the complaint's category "sampah".
    from boundaries.selectors import route

    complaints = []
    for p in _city_points(connection, 200, Kecamatan):
        decision = route(p)
        complaints.append((p, decision.kelurahan.code if decision.kelurahan else "", decision.kecamatan.code))

    def match(complaint):
        point, kelurahan, kecamatan = complaint
        return selectors.followers(point, "sampah", kelurahan=kelurahan, kecamatan=kecamatan)

    asked = iter(complaints * 2)
    counts = [len(match(c)) for c in complaints[:50]]
    result = timed(lambda: match(next(asked)), runs=200, warmup=20)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    report(f"match one complaint, {n} subscriptions", result, target="≤ 2 ms")
    print(f"    followers per complaint: median {sorted(counts)[len(counts) // 2]}, max {max(counts)}", flush=True)

    # The daily digest: every subscription daily, a day of public complaints.
    Subscription.objects.update(frequency="daily")
    moment = timezone.now().replace(microsecond=0)
    categories = list(Category.objects.filter(sensitive=False))
    rng = random.Random(7)
    rows = [
        NewComplaint(
            new_tracking_code(),
            rng.choice(categories),
            "Bench: a day of complaints.",
            p,
            moment - timedelta(seconds=rng.randint(60, 86_000)),
        )
        for p in _city_points(connection, day_count, Kecamatan, seed=0.3)
    ]
    complaints_load(rows)
    with connection.cursor() as cursor:  # statistics as a day's running database has them
        cursor.execute(f"ANALYZE {Subscription._meta.db_table}")
        cursor.execute("ANALYZE complaints_complaint")
    Delivery.objects.filter(cause__startswith="alert-digest:").delete()
    made = {}

    def digest():
        Delivery.objects.filter(cause__startswith="alert-digest:").delete()
        start = time.perf_counter()
        with transaction.atomic():
            ids = services.digest_assemble(moment)
            made["assembled_s"] = time.perf_counter() - start
            services.digest_enqueue(ids)
        made["n"] = len(ids)

    result = timed(digest, runs=3, warmup=0)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    report(f"daily digest assembled and queued, {n} subscribers", result, target="≤ 60 s")
    print(
        f"    digests made: {made['n']} (from {day_count} complaints of the day); the last run assembled them "
        f"in {made['assembled_s']:.1f} s, the rest queued their jobs",
        flush=True,
    )
    _clean_up(connection, Delivery)


def _subscriptions(connection, n, Subscription, Kelurahan, Kecamatan) -> None:
    from alerts.places import CIRCLE_SEGMENTS
    from geo.spatial import UTM47N

    circles, kelurahan = int(n * 0.6), int(n * 0.3)
    table = Subscription._meta.db_table
    common = (
        "contact_hash, language, categories, frequency, token, confirm_token, created_at, confirmed_at, email, phone"
    )
    values = (
        "md5(i::text), 'id', CASE WHEN i %% 4 = 0 THEN ARRAY['sampah'] ELSE '{}' END, 'instant', "
        "md5('t' || i::text || random()::text), NULL, now(), now(), 'b' || i || '@bench.example', ''"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(
            f"""INSERT INTO {table} (place_kind, place_code, radius_m, area, {common})
                SELECT 'point', '', r, ST_Multi(ST_Transform(ST_Buffer(ST_Transform(p, {UTM47N}), r, {CIRCLE_SEGMENTS}), 4326)),
                       {values}
                FROM (SELECT row_number() OVER () AS i, (100 + random() * 900)::int AS r, d.geom AS p
                      FROM ST_Dump(ST_GeneratePoints((SELECT ST_Union(boundary) FROM {Kecamatan._meta.db_table}), %s, 1)) AS d
                     ) seeds""",
            [circles],
        )
        for kind, model, count in (
            ("kelurahan", Kelurahan, kelurahan),
            ("kecamatan", Kecamatan, n - circles - kelurahan),
        ):
            cursor.execute(
                f"""INSERT INTO {table} (place_kind, place_code, radius_m, area, {common})
                    SELECT %s, a.code, NULL, a.boundary, {values}
                    FROM generate_series(1, %s) AS i
                    JOIN LATERAL (SELECT code, boundary FROM {model._meta.db_table}
                                  ORDER BY md5(i::text || code) LIMIT 1) a ON true""",
                [kind, count],
            )


def _city_points(connection, count, Kecamatan, seed=0.5) -> list:
    from django.contrib.gis.geos import Point

    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT ST_X(g), ST_Y(g) FROM (SELECT (ST_Dump(ST_GeneratePoints(
                  (SELECT ST_Union(boundary) FROM {Kecamatan._meta.db_table}), %s, %s))).geom AS g) p""",
            [count, int(seed * 1000)],
        )
        return [Point(x, y, srid=4326) for x, y in cursor.fetchall()]


def _clean_up(connection, Delivery) -> None:
    """The digests' deliveries and jobs are not sent: the bench database keeps no queue behind it."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'notifications.deliver' AND status = 'todo'")
    Delivery.objects.filter(cause__startswith="alert-digest:").delete()


if __name__ == "__main__":
    main()
