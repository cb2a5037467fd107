"""One filing end to end, in-process: where its time goes (the intake tail).

    .venv/bin/python -m bench.intake_profile
    BENCH_PROFILE_N=100 .venv/bin/python -m bench.intake_profile           # fewer filings
    BENCH_PROFILE_PHOTO=1 .venv/bin/python -m bench.intake_profile         # each with a photo
    BENCH_PROFILE_REPORTER=1 .venv/bin/python -m bench.intake_profile      # each with an e-mail and "kabari saya"
    BENCH_PROFILE_LIMITS=1 .venv/bin/python -m bench.intake_profile        # the abuse limit counted, as in production

Files BENCH_PROFILE_N (300) complaints through Django's test client, as a citizen's browser would:
POST /api/v1/complaints/ with a JSON body (multipart with a JPEG when BENCH_PROFILE_PHOTO is set),
each with its own Idempotency-Key, at the category and place of a complaint already in the bench
database (bench.generate first). Every filing commits, durably, as production does; the complaints
stay in the bench database. The whole request is measured: middleware, the serializer, routing,
the assignment, the outbox, the alert job, the response.

Printed: the median and p95 wall time of a filing; its SQL statements and round trips (every
statement Django's connection sends, through ``connection.execute_wrapper``, and the COMMIT, timed
around the connection's commit), grouped by identical text with their count per filing, time and
share of the SQL time; the Python time outside SQL; and the top functions by cumulative time under
cProfile over a second, shorter run (profiling slows Python down, so its run is not the timed one).
"""

import cProfile
import io
import json
import os
import pstats
import random
import re
import statistics
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager

from bench.common import progress, setup_django
from bench.server import production_env

DESCRIPTIONS = [
    "Sampah menumpuk di pinggir jalan sejak tiga hari.",
    "Lampu jalan mati, jalan gelap di malam hari.",
    "Lubang besar di tengah jalan, berbahaya untuk motor.",
    "Parit tersumbat, air meluap ke jalan saat hujan.",
]
WARMUP = 20
PROFILED = 100
TOP_FUNCTIONS = 30


class Statements:
    """Every statement of the filings run inside ``recording()``: text, seconds, and the COMMITs."""

    def __init__(self):
        self.times: dict[str, list[float]] = defaultdict(list)
        self.filing_sql = 0.0
        self.commit_times: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.times[_shape(sql)].append(elapsed)
            self.filing_sql += elapsed

    @contextmanager
    def recording(self):
        from django.db import connection

        original = connection.commit

        def timed_commit():
            start = time.perf_counter()
            try:
                return original()
            finally:
                elapsed = time.perf_counter() - start
                self.times["COMMIT"].append(elapsed)
                self.commit_times.append(elapsed)
                self.filing_sql += elapsed

        connection.commit = timed_commit
        try:
            with connection.execute_wrapper(self):
                yield
        finally:
            del connection.commit


def _shape(sql: str) -> str:
    """Statements that differ only in the length of an IN (...) list or a VALUES list are one."""
    sql = re.sub(r"IN \((?:%s, )*%s\)", "IN (…)", sql)
    return re.sub(r"VALUES (?:\([^()]*\), )*\([^()]*\)", "VALUES (…)", sql)


def main() -> None:
    # As gunicorn runs it in bench.intake_load: debug off (no query log), the abuse limits off (one
    # address files them all) unless BENCH_PROFILE_LIMITS asks for them.
    os.environ.update(production_env())
    if os.environ.get("BENCH_PROFILE_LIMITS"):
        # The intake's limit counted as production counts it (the shared database cache), at a rate
        # one address never reaches here.
        os.environ["PEKA_RATE_LIMIT_INTAKE"] = "1000000/m"
    setup_django()
    from django.test import Client

    from bench.intake_load import stored_places

    count = int(os.environ.get("BENCH_PROFILE_N", "300"))
    photo = _jpeg() if os.environ.get("BENCH_PROFILE_PHOTO") else None
    reporter = (
        {"name": "Warga Bench", "email": "warga@bench.example", "notify": True}
        if os.environ.get("BENCH_PROFILE_REPORTER")
        else None
    )
    places = stored_places()
    if os.environ.get("BENCH_PROFILE_LIMITS"):
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)  # the limits' table (bin/setup makes it for `make run`)
    rng = random.Random(19)
    client = Client(HTTP_HOST="127.0.0.1")

    def file_one() -> None:
        lon, lat, category = rng.choice(places)
        body = {
            "category": category,
            "description": rng.choice(DESCRIPTIONS),
            "location": {"type": "Point", "coordinates": [lon, lat]},
            **({"reporter": reporter} if reporter else {}),
        }
        headers = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}
        if photo:
            form = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in body.items()}
            response = client.post("/api/v1/complaints/", {**form, "photo": _upload(photo)}, **headers)
        else:
            response = client.post("/api/v1/complaints/", body, content_type="application/json", **headers)
        if response.status_code != 201:
            raise SystemExit(f"filing refused: HTTP {response.status_code} {response.content[:300]!r}")

    what = ("JSON with a photo (multipart)" if photo else "JSON") + (
        ", the intake limit counted" if os.environ.get("BENCH_PROFILE_LIMITS") else ""
    )
    print(f"intake profile: {count} filings in-process through the test client, {what}", flush=True)
    progress(f"warm-up: {WARMUP} filings")
    for _ in range(WARMUP):
        file_one()

    progress(f"timed: {count} filings")
    statements = Statements()
    walls, sqls = [], []
    with statements.recording():
        for k in range(count):
            statements.filing_sql = 0.0
            start = time.perf_counter()
            file_one()
            walls.append((time.perf_counter() - start) * 1000)
            sqls.append(statements.filing_sql * 1000)
            if (k + 1) % 100 == 0:
                progress(f"  {k + 1} / {count}")
    _print_times(walls, sqls, statements, count)
    _print_statements(statements, count)

    progress(f"cProfile: {PROFILED} filings")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILED):
        file_one()
    profiler.disable()
    for title, restriction in (
        ("functions", ()),
        ("functions of the project (not of .venv)", (r"^(?!.*\.venv).*\.py",)),
    ):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(*restriction, TOP_FUNCTIONS)
        print(f"\ntop {TOP_FUNCTIONS} {title} by cumulative time over {PROFILED} filings (cProfile, slowed by it):")
        print(_trim(out.getvalue()), flush=True)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _print_times(walls, sqls, statements: Statements, count: int) -> None:
    python = [w - s for w, s in zip(walls, sqls, strict=True)]
    commits = [c * 1000 for c in statements.commit_times]
    # psycopg opens each transaction with a BEGIN of its own, one more round trip per COMMIT.
    round_trips = (sum(len(t) for t in statements.times.values()) + len(statements.commit_times)) / count
    rows = [
        ("filing, wall time", walls),
        ("  of it in SQL (incl. COMMIT)", sqls),
        ("  of it in Python, outside SQL", python),
        ("  of it the COMMIT (WAL flush)", commits),
    ]
    for name, values in rows:
        print(
            f"{name:<48} median {statistics.median(values):9.2f} ms   p95 {_p95(values):9.2f} ms   "
            f"mean {statistics.fmean(values):9.2f} ms",
            flush=True,
        )
    statements_per = sum(len(t) for sql, t in statements.times.items() if sql != "COMMIT") / count
    print(
        f"per filing: {statements_per:.1f} statements (savepoints included), {len(statements.commit_times) / count:.1f} "
        f"transactions; {round_trips:.1f} round trips (the statements, and each transaction's BEGIN and COMMIT)",
        flush=True,
    )


def _print_statements(statements: Statements, count: int) -> None:
    total = sum(sum(t) for t in statements.times.values())
    print("\nstatements per filing, by total time (mean per filing; share of the SQL time):")
    print(f"{'per filing':>10} {'ms each':>8} {'ms/filing':>9} {'share':>6}  statement")
    for sql, times in sorted(statements.times.items(), key=lambda item: -sum(item[1])):
        per = len(times) / count
        each = statistics.fmean(times) * 1000
        print(
            f"{per:10.2f} {each:8.3f} {sum(times) * 1000 / count:9.3f} {sum(times) / total:6.1%}  {_short(sql)}",
            flush=True,
        )


def _short(sql: str, width: int = 150) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def _trim(stats: str) -> str:
    """pstats' table without its preamble."""
    lines = stats.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    return "\n".join(line.replace(os.getcwd() + "/", "") for line in lines[start:] if line.strip())


def _jpeg() -> bytes:
    """A small photo with EXIF-free content, as a phone might send after the page shrank it."""
    from PIL import Image

    image = Image.new("RGB", (1280, 960))
    pixels = image.load()
    for x in range(0, 1280, 8):
        for y in range(0, 960, 8):
            pixels[x, y] = (x % 256, y % 256, (x + y) % 256)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("foto.jpg", data, content_type="image/jpeg")


if __name__ == "__main__":
    main()
