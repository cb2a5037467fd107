"""Load N synthetic complaints with a realistic shape into the bench database (default 1,000,000).

    BENCH_N=1000000 .venv/bin/python -m bench.generate

The rows are the demo data's (complaints.demo.demo_complaints): points clustered along Pekanbaru's
markets, main roads and drains over a uniform background, the category mix with the rainy-season
peak, here spread over two years; statuses and resolution times follow age. Routing is the
product's own (one routing statement per chunk of 50,000 points), and rows go in with COPY, not one
by one. Prints progress and its rate. Running it again adds nothing when the bench database already holds N complaints.
"""

import io
import math
import os
import time

import numpy as np

from bench.common import progress, setup_django

CHUNK = 50_000
SEED = 1471


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from complaints.models import Complaint

    n = int(os.environ.get("BENCH_N", "1000000"))
    call_command("migrate", verbosity=0)
    for command in ("load_city", "load_agencies", "load_categories"):
        call_command(command, stdout=io.StringIO())
    have = Complaint.objects.count()
    if have >= n:
        progress(f"The bench database already holds {have:,} complaints (BENCH_N={n:,}); nothing to add.")
        return
    rng = np.random.default_rng(SEED + have)
    start, added = time.perf_counter(), 0
    while added < n - have:
        size = min(CHUNK, n - have - added)
        added += _load_chunk(rng, size, connection)
        rate = added / (time.perf_counter() - start)
        progress(f"  {have + added:>9,} / {n:,} complaints   {rate:,.0f} per second")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    progress(
        f"Loaded {added:,} complaints in {time.perf_counter() - start:.1f} s ({added / (time.perf_counter() - start):,.0f}/s)."
    )


def _load_chunk(rng, size: int, connection) -> int:
    from datetime import UTC, datetime, timedelta

    from django.db import transaction

    from complaints.demo import demo_complaints
    from complaints.routing import route_complaints
    from complaints.sla import due_at

    now = datetime.now(UTC)
    # The demo's model of where, what and when (clustered places, category mix, rainy season),
    # over two years; a fresh seed per chunk gives fresh points and tracking codes.
    rows = demo_complaints(size, seed=int(rng.integers(1 << 31)), days=730, now=now)
    routes = route_complaints([(row.location, row.category) for row in rows])
    age_days = np.array([(now - row.created_at).total_seconds() / 86_400 for row in rows])
    finished = rng.random(size) < np.minimum(0.9, 0.15 + age_days / 20)
    out = io.StringIO()
    for k, (row, route) in enumerate(zip(rows, routes, strict=True)):
        if not route.accepted:
            continue
        category, created_at = row.category, row.created_at
        due = due_at(created_at, category.sla_working_days)
        status, resolved = "baru", None
        if finished[k]:
            status = "selesai" if rng.random() < 0.9 else "ditolak"
            resolved = min(
                created_at + timedelta(days=float(rng.lognormal(math.log(max(category.sla_working_days, 1)), 0.8))), now
            )
        elif age_days[k] > 3:
            status = ("diverifikasi", "dikerjakan")[int(rng.random() < 0.5)]
        area = route.area
        values = [
            row.tracking_code,
            category.id,
            row.description,
            f"SRID=4326;POINT({row.location.x:.6f} {row.location.y:.6f})",
            area.kecamatan.id,
            area.kelurahan.id if area.kelurahan else None,
            route.agency.id if route.agency else None,
            route.task_force.id if route.task_force else None,
            route.jurisdiction_id,
            status,
            area.rule.value,
            route.rule.value,
            f"{area.rule.value}/{route.rule.value}",
            created_at.isoformat(),
            (resolved or created_at).isoformat(),
            due.isoformat(),
            resolved.isoformat() if resolved and status == "selesai" else None,
            resolved.isoformat() if resolved else None,
        ]
        out.write("\t".join("\\N" if v is None else str(v) for v in values) + "\n")
    out.seek(0)
    columns = (
        "tracking_code, category_id, description, location, kecamatan_id, kelurahan_id, agency_id, task_force_id, "
        "jurisdiction_id, status, area_rule, assignment_rule, routing_reason, created_at, updated_at, due_at, resolved_at, closed_at"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE bench_load ON COMMIT DROP AS SELECT {columns} FROM complaints_complaint WITH NO DATA"
        )
        cursor.copy_expert(f"COPY bench_load ({columns}) FROM STDIN", out)
        # Codes are random: a rare clash with an earlier chunk is skipped rather than failing the load.
        cursor.execute(
            f"INSERT INTO complaints_complaint ({columns}, reporter_name, reporter_phone, reporter_email, reopen_count, "
            f"support_count, rating_comment, version) SELECT {columns}, '', '', '', 0, 0, '', 1 FROM bench_load "
            "ON CONFLICT (tracking_code) DO NOTHING RETURNING id"
        )
        ids = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "INSERT INTO complaints_complaintevent (complaint_id, at, kind, from_status, to_status, note, public) "
            "SELECT id, created_at, 'created', '', 'baru', routing_reason, true FROM complaints_complaint WHERE id = ANY(%s)",
            [ids],
        )
    return len(ids)


if __name__ == "__main__":
    main()
