"""When does monthly partitioning of the complaint table pay off? A measured experiment.

    .venv/bin/python -m bench.partitions        # ten times the bench database: 10,000,000 rows at 1M
    BENCH_PARTITION_N=2000000 .venv/bin/python -m bench.partitions

Builds two copies of the complaint table's hot columns from the bench database's complaints
(repeated with jittered places and times to reach BENCH_PARTITION_N rows, by default ten times the
bench database, over the same two years): one plain
table and one partitioned by month on created_at, each with the indexes the product's queries use.
Then times, on both: a month's report-card aggregate (where pruning should help), the nearby check
(a GiST probe per partition), a task force's inbox (newest open), and dropping a month of old data
(DELETE against DETACH + DROP). Both copies are dropped at the end; the product's tables are not touched.
"""

import os
import time

from bench.common import progress, report, setup_django, timed

COLUMNS = (
    "id bigint, category_id bigint, status varchar(16), location geometry(Point, 4326), task_force_id bigint, "
    "agency_id bigint, created_at timestamptz NOT NULL, resolved_at timestamptz, due_at timestamptz"
)


def main() -> None:
    setup_django()
    from django.db import connection

    from complaints.models import OPEN_STATUSES, statuses_sql

    open_statuses = statuses_sql(OPEN_STATUSES)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(created_at), max(created_at) FROM complaints_complaint")
        have, first, last = cursor.fetchone()
        if not have:
            raise SystemExit("The bench database is empty: run `python -m bench.generate` first.")
        copies = max(1, round(int(os.environ.get("BENCH_PARTITION_N", 10 * have)) / have))
        print(f"partition experiment: {have:,} complaints × {copies} = {have * copies:,} rows per table", flush=True)
        months = _month_starts(cursor, first, last)
        cursor.execute("DROP TABLE IF EXISTS bench_flat, bench_monthly CASCADE")
        cursor.execute(f"CREATE TABLE bench_flat ({COLUMNS})")
        cursor.execute(f"CREATE TABLE bench_monthly ({COLUMNS}) PARTITION BY RANGE (created_at)")
        for k, start in enumerate(months[:-1]):
            cursor.execute(
                f"CREATE TABLE bench_monthly_{k} PARTITION OF bench_monthly FOR VALUES FROM (%s) TO (%s)",
                [start, months[k + 1]],
            )
        for table in ("bench_flat", "bench_monthly"):
            start = time.perf_counter()
            # Copy c: the same complaints, moved up to ~300 m and a few hours, so the copies do not
            # pile onto identical points and instants; created_at stays inside the two years.
            cursor.execute(
                f"""
                INSERT INTO {table}
                SELECT c.id * %(copies)s + k, c.category_id, c.status,
                       CASE WHEN k = 0 THEN c.location ELSE ST_Translate(c.location,
                           (random() - 0.5) * 0.005, (random() - 0.5) * 0.005) END,
                       c.task_force_id, c.agency_id,
                       greatest(%(first)s, least(%(last)s, c.created_at + (k * interval '37 minutes'))),
                       c.resolved_at, c.due_at
                FROM complaints_complaint c CROSS JOIN generate_series(0, %(copies)s - 1) k
                """,
                {"copies": copies, "first": first, "last": last},
            )
            loaded = time.perf_counter() - start
            start = time.perf_counter()
            cursor.execute(
                f"CREATE INDEX ON {table} USING gist (location) WHERE status IN ({open_statuses})"
            )
            cursor.execute(
                f"CREATE INDEX ON {table} (task_force_id, created_at DESC) WHERE status IN ({open_statuses})"
            )
            cursor.execute(f"CREATE INDEX ON {table} (created_at)")
            cursor.execute(f"VACUUM ANALYZE {table}")
            print(
                f"{table:<14} loaded in {loaded:6.1f} s ({have * copies / loaded:,.0f} rows/s), indexed in "
                f"{time.perf_counter() - start:6.1f} s",
                flush=True,
            )
        try:
            _compare(cursor, months)
        finally:
            cursor.execute("DROP TABLE IF EXISTS bench_flat, bench_monthly CASCADE")


def _month_starts(cursor, first, last) -> list:
    cursor.execute(
        "SELECT generate_series(date_trunc('month', %s::timestamptz), date_trunc('month', %s::timestamptz) "
        "+ interval '1 month', interval '1 month')",
        [first, last],
    )
    return [row[0] for row in cursor.fetchall()]


def _compare(cursor, months) -> None:
    import random

    from complaints.models import OPEN_STATUSES, statuses_sql

    open_statuses = statuses_sql(OPEN_STATUSES)

    rng = random.Random(3)
    month = months[-3]  # a full month near the end
    forces = _ids(cursor, "SELECT DISTINCT task_force_id FROM bench_flat WHERE task_force_id IS NOT NULL")
    points = [(rng.uniform(101.40, 101.50), rng.uniform(0.45, 0.56)) for _ in range(200)]

    def month_card(table):
        def run():
            cursor.execute(
                f"""
                SELECT agency_id, count(*), count(resolved_at),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_at - created_at)
                FROM {table} WHERE created_at >= %s AND created_at < %s + interval '1 month'
                GROUP BY agency_id
                """,
                [month, month],
            )
            cursor.fetchall()

        return run

    def nearby(table):
        cycle = iter(points * 100)

        def run():
            x, y = next(cycle)
            cursor.execute(
                f"""
                SELECT id FROM {table}
                WHERE status IN ({open_statuses})
                  AND location && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 0.001)
                  AND ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 100)
                LIMIT 20
                """,
                [x, y, x, y],
            )
            cursor.fetchall()

        return run

    def inbox(table):
        cycle = iter(forces * 1000)

        def run():
            cursor.execute(
                f"SELECT id FROM {table} WHERE task_force_id = %s AND status IN ({open_statuses}) "
                "ORDER BY created_at DESC LIMIT 50",
                [next(cycle)],
            )
            cursor.fetchall()

        return run

    for name, query, runs in (
        ("a month's report-card aggregate", month_card, 5),
        ("nearby open within 100 m", nearby, 200),
        ("task-force inbox, 50 newest open", inbox, 200),
    ):
        report(
            f"{name}, monthly partitions",
            timed(query("bench_monthly"), runs=runs, warmup=max(1, runs // 10)),
            baseline=timed(query("bench_flat"), runs=runs, warmup=max(1, runs // 10)),
        )
    oldest = months[0]
    start = time.perf_counter()
    cursor.execute("DELETE FROM bench_flat WHERE created_at < %s", [months[1]])
    deleted, delete_s = cursor.rowcount, time.perf_counter() - start
    start = time.perf_counter()
    cursor.execute("ALTER TABLE bench_monthly DETACH PARTITION bench_monthly_0")
    cursor.execute("DROP TABLE bench_monthly_0")
    drop_s = time.perf_counter() - start
    print(
        f"{'drop the oldest month (' + oldest.strftime('%Y-%m') + ')':<48} DETACH + DROP {drop_s * 1000:8.1f} ms"
        f"   DELETE {delete_s * 1000:9.1f} ms for {deleted:,} rows   ratio {delete_s / drop_s:6.1f}x",
        flush=True,
    )
    progress("(the DELETE also leaves dead rows for VACUUM; the dropped partition leaves nothing)")


def _ids(cursor, sql: str) -> list[int]:
    cursor.execute(sql)
    return [row[0] for row in cursor.fetchall()]


if __name__ == "__main__":
    main()
