"""Load N synthetic complaints with a realistic shape into the bench database (default 1,000,000).

    BENCH_N=1000000 .venv/bin/python -m bench.generate

The rows are the demo data's (complaints.demo.demo_complaints): points clustered along Pekanbaru's
markets, main roads and drains over a uniform background, the category mix with the rainy-season
peak, here spread over two years; statuses and resolution times follow age. They go in through the
product's own bulk load (complaints.bulk: a COPY into an indexed staging table, then one routed
INSERT … SELECT per chunk of 50,000), not one by one. Prints progress, and its rate with and without
the time Python spends drawing the rows. Running it again adds nothing when the bench database already holds N complaints.
"""

import contextlib
import io
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
    from rollups.maintenance import initial_load

    n = int(os.environ.get("BENCH_N", "1000000"))
    call_command("migrate", verbosity=0)
    for command in ("load_city", "load_agencies", "load_categories"):
        call_command(command, stdout=io.StringIO())
    have = Complaint.objects.count()
    if have >= n:
        progress(f"The bench database already holds {have:,} complaints (BENCH_N={n:,}); nothing to add.")
        return
    rng = np.random.default_rng(SEED + have)
    start, added, synthesising, loading = time.perf_counter(), 0, 0.0, 0.0
    # Into an empty table: an initial load (secondary indexes built and rollups counted once, at the
    # end); on top of existing complaints: the steady state, every chunk indexed and counted as it goes.
    initial = have == 0
    with initial_load() if initial else contextlib.nullcontext():
        while added < n - have:
            size = min(CHUNK, n - have - added)
            stored, synthesised_s, loaded_s = _load_chunk(rng, size)
            added, synthesising, loading = added + stored, synthesising + synthesised_s, loading + loaded_s
            progress(
                f"  {have + added:>9,} / {n:,} complaints   {added / (time.perf_counter() - start):,.0f} per second "
                f"(routed insert alone: {added / loading:,.0f} per second)"
            )
        finishing = time.perf_counter()
    if initial:
        finished_s = time.perf_counter() - finishing
        progress(
            f"Initial load: indexes built and rollups counted in {finished_s:.1f} s; routed insert with them: "
            f"{added / (loading + finished_s):,.0f} per second."
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_complaint")
    elapsed = time.perf_counter() - start
    progress(
        f"Loaded {added:,} complaints in {elapsed:.1f} s ({added / elapsed:,.0f}/s): {synthesising:.1f} s drawing "
        f"rows in Python, {loading:.1f} s in the routed COPY + INSERT … SELECT ({added / loading:,.0f}/s)."
    )


def _load_chunk(rng, size: int) -> tuple[int, float, float]:
    """Synthesise ``size`` rows and load them; returns (stored, seconds synthesising, seconds loading)."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from complaints.bulk import complaints_load
    from complaints.demo import demo_complaints
    from complaints.models import Status

    now = datetime.now(UTC)
    start = time.perf_counter()
    # The demo's model of where, what and when (clustered places, category mix, rainy season),
    # over two years; a fresh seed per chunk gives fresh points and tracking codes.
    rows = demo_complaints(size, seed=int(rng.integers(1 << 31)), days=730, now=now)
    age_days = np.array([(now - row.created_at).total_seconds() / 86_400 for row in rows])
    finished = rng.random(size) < np.minimum(0.9, 0.15 + age_days / 20)
    rejected = rng.random(size) < 0.1
    under_way = rng.random(size) < 0.5
    spread = rng.lognormal(0.0, 0.8, size)
    for k, row in enumerate(rows):
        if finished[k]:
            sla = max(row.category.sla_working_days, 1)
            done = min(row.created_at + timedelta(days=float(sla * spread[k])), now)
            status = Status.DITOLAK if rejected[k] else Status.SELESAI
            rows[k] = replace(
                row, status=status, resolved_at=done if status == Status.SELESAI else None, closed_at=done
            )
        elif age_days[k] > 3:
            rows[k] = replace(row, status=Status.DIKERJAKAN if under_way[k] else Status.DIVERIFIKASI)
    synthesised = time.perf_counter()
    report = complaints_load(rows)
    return len(report.created_ids), synthesised - start, time.perf_counter() - synthesised


if __name__ == "__main__":
    main()
