"""Load N synthetic complaints with a realistic shape into the bench database (default 1,000,000).

    BENCH_N=1000000 .venv/bin/python -m bench.generate

Points cluster along Pekanbaru's markets, main roads and drains (complaints.demo.HOTSPOTS) over a
uniform background; dates spread over two years with the rainy-season peak for drains and fallen
trees; statuses and resolution times follow age. Routing is the product's own (one routing
statement per chunk of 50,000 points), and rows go in with COPY, not one by one. Prints progress
and its rate. Running it again adds nothing when the bench database already holds N complaints.
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


def _points(rng, size: int):
    from complaints.demo import HOTSPOTS
    from geo.spatial import METRES_PER_DEGREE

    lon = np.empty(size)
    lat = np.empty(size)
    clustered = rng.random(size) < 0.7
    weights = np.array([h[2] for h in HOTSPOTS]) / sum(h[2] for h in HOTSPOTS)
    which = rng.choice(len(HOTSPOTS), size=size, p=weights)
    for k, (_name, corridor, _w, _favourites) in enumerate(HOTSPOTS):
        idx = np.where(clustered & (which == k))[0]
        if not len(idx):
            continue
        segment = rng.integers(0, max(len(corridor) - 1, 1), size=len(idx))
        a = np.array([corridor[s] for s in segment])
        b = np.array([corridor[min(s + 1, len(corridor) - 1)] for s in segment])
        t = rng.random(len(idx))[:, None]
        along = a + t * (b - a)
        spread = rng.normal(0, 300, size=(len(idx), 2)) / METRES_PER_DEGREE
        lon[idx], lat[idx] = along[:, 0] + spread[:, 0], along[:, 1] + spread[:, 1]
    rest = np.where(~clustered)[0]
    lon[rest] = rng.uniform(101.323, 101.605, len(rest))
    lat[rest] = rng.uniform(0.420, 0.691, len(rest))
    return lon, lat


def _load_chunk(rng, size: int, connection) -> int:
    from datetime import UTC, datetime, timedelta

    from complaints.demo import CATEGORY_WEIGHTS, DESCRIPTIONS, RAINY_CATEGORIES, RAINY_MONTHS
    from complaints.models import Category
    from complaints.routing import route_complaints
    from complaints.sla import due_at
    from complaints.tracking import ALPHABET, PREFIX

    categories = {c.code: c for c in Category.objects.select_related("agency")}
    codes = [c for c in CATEGORY_WEIGHTS if c in categories]
    lon, lat = _points(rng, size)
    now = datetime.now(UTC)
    age_days = rng.random(size) * 730
    created = [now - timedelta(days=float(d)) for d in age_days]
    rainy = np.array([c.month in RAINY_MONTHS for c in created])
    base = np.array([CATEGORY_WEIGHTS[c] for c in codes], dtype=float)
    rain = np.array([3.0 if c in RAINY_CATEGORIES else 1.0 for c in codes])
    pick_dry = rng.choice(len(codes), size=size, p=base / base.sum())
    pick_wet = rng.choice(len(codes), size=size, p=base * rain / (base * rain).sum())
    category_of = [categories[codes[k]] for k in np.where(rainy, pick_wet, pick_dry)]

    from django.contrib.gis.geos import Point
    from django.db import transaction

    routes = route_complaints([(Point(x, y, srid=4326), c) for x, y, c in zip(lon, lat, category_of, strict=True)])
    letters = np.array(list(ALPHABET))
    body = letters[rng.integers(0, len(ALPHABET), size=(size, 8))]
    finished = rng.random(size) < np.minimum(0.9, 0.15 + age_days / 20)
    out = io.StringIO()
    rows = 0
    for k in range(size):
        route = routes[k]
        if not route.accepted:
            continue
        category, created_at = category_of[k], created[k]
        due = due_at(created_at, category.sla_working_days)
        status, resolved = "baru", None
        if finished[k]:
            status = "selesai" if rng.random() < 0.9 else "ditolak"
            resolved = min(
                created_at + timedelta(days=float(rng.lognormal(math.log(max(category.sla_working_days, 1)), 0.8))), now
            )
        elif age_days[k] > 3:
            status = ("diverifikasi", "dikerjakan")[int(rng.random() < 0.5)]
        code = f"{PREFIX}-{''.join(body[k, :4])}-{''.join(body[k, 4:])}"
        area = route.area
        values = [
            code,
            category.id,
            DESCRIPTIONS[category.code][0].format(n=3),
            f"SRID=4326;POINT({lon[k]:.6f} {lat[k]:.6f})",
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
        rows += 1
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
