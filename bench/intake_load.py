"""Intake under load: POST /api/v1/complaints/ through a live gunicorn at fixed request rates.

    .venv/bin/python -m bench.intake_load
    BENCH_LOAD_SECONDS=10 .venv/bin/python -m bench.intake_load        # quick
    BENCH_GUNICORN_WORKERS=3 BENCH_GUNICORN_THREADS=1 .venv/bin/python -m bench.intake_load   # sync workers

Starts gunicorn on the bench database with the production settings (bench.server; by default 2
gthread workers x 4 threads, which held more than 3 sync workers: the threads overlap each request's
wait on the database commit, and keep-alive spares a TCP connection per request), then drives it from
this process on loopback. The load is open-loop: requests leave on a fixed schedule whatever the
server answers, so a slow server meets a queue, and each latency is measured from the moment the
request was due to leave until its answer is read (a closed loop would wait for the server and hide
the queueing). Client threads each keep one HTTP/1.1 connection; there are always more of them than
the server has workers.

Each request files a valid complaint (the category and place of a complaint already in the bench
database, so a realistic mix of places inside the city) with its own Idempotency-Key. Phases: a 5 s
warm-up, 100 requests/s for BENCH_LOAD_SECONDS (60), then rates rising by 50 until one misses the
target (no errors, p95 <= 25 ms); then halving the gap between the last rate held (or 0) and the
first one missed, down to 10 requests/s, to find the highest rate held. The complaints filed stay in the bench database, which grows with
every run.
"""

import http.client
import json
import os
import queue
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.common import progress, setup_django
from bench.server import kind, live_server

WARMUP_S = 5
FIRST_RATE = 100
STEP = 50
# The search between the last rate held and the first missed stops when they are this close.
RESOLUTION = 10
P95_TARGET_MS = 25.0
# Client threads, each with its own connection: enough that the client never becomes the queue at
# the rates this machine holds (a request slower than CLIENTS / rate seconds is late already).
CLIENTS = 64
# A phase stops early once this many seconds of requests wait to be sent: the server has fallen
# behind for good, and draining the queue would only take minutes to say so.
MAX_BACKLOG_S = 5
TIMEOUT_S = 30
DESCRIPTIONS = [
    "Sampah menumpuk di pinggir jalan sejak tiga hari.",
    "Lampu jalan mati, jalan gelap di malam hari.",
    "Lubang besar di tengah jalan, berbahaya untuk motor.",
    "Parit tersumbat, air meluap ke jalan saat hujan.",
]


@dataclass
class Phase:
    """What one phase measured; latencies in ms from the moment each request was due."""

    rate: float
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    not_sent: int = 0
    elapsed_s: float = 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values()) + self.not_sent

    @property
    def achieved(self) -> float:
        """Answers (of any kind) per second, from the first scheduled request to the last answer."""
        return (len(self.latencies) + sum(self.errors.values())) / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def held(self) -> bool:
        return bool(self.latencies) and self.error_count == 0 and self.percentile(0.95) <= P95_TARGET_MS


def main() -> None:
    setup_django()
    from complaints.models import Complaint

    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    workers = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
    threads = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
    max_rate = int(os.environ.get("BENCH_LOAD_MAX_RATE", "1000"))
    places = stored_places()
    before = Complaint.objects.count()
    print(f"bench database: {before:,} complaints; intake through gunicorn, {kind(workers, threads)}", flush=True)

    with live_server(workers=workers, threads=threads) as url:
        progress(f"warm-up: {FIRST_RATE} requests/s for {WARMUP_S} s")
        run_phase(url, FIRST_RATE, WARMUP_S, places)
        held = None
        rate = FIRST_RATE
        while rate <= max_rate:
            phase = _phase(url, rate, seconds, places)
            if not phase.held:
                break
            held = rate
            rate += STEP
        low, high = held or 0, rate
        while high - low > RESOLUTION:
            middle = (low + high) // 2
            if _phase(url, middle, seconds, places).held:
                low = held = middle
            else:
                high = middle

    added = Complaint.objects.count() - before
    if held is None:
        print(f"highest intake rate held: below {RESOLUTION} requests/s (target: 0 errors, p95 <= 25 ms)")
    else:
        print(
            f"highest intake rate held for {seconds:.0f} s: {held} requests/s with 0 errors and p95 <= "
            f"{P95_TARGET_MS:.0f} ms ({kind(workers, threads)})",
            flush=True,
        )
    print(f"the run filed {added:,} complaints; they stay in the bench database (now {before + added:,})", flush=True)


def stored_places(count: int = 5000) -> list[tuple[float, float, str]]:
    """(lon, lat, category code) of stored complaints, drawn at random: places the city really has."""
    from complaints.models import Complaint

    rows = Complaint.objects.order_by("?").values_list("location", "category__code")[:count]
    places = [(location.x, location.y, category) for location, category in rows]
    if not places:
        raise SystemExit("The bench database holds no complaints: run `python -m bench.generate` first.")
    return places


def _phase(url: str, rate: int, seconds: float, places) -> Phase:
    time.sleep(2)  # let the server's queues empty after the last phase
    progress(f"{rate} requests/s for {seconds:.0f} s")
    phase = run_phase(url, rate, seconds, places)
    print_phase(f"intake POST at {rate} req/s for {seconds:.0f} s", phase)
    return phase


def run_phase(url: str, rate: float, seconds: float, places: list, reporter: dict | None = None) -> Phase:
    """Send ``rate`` complaints a second for ``seconds`` on a fixed schedule; wait for every answer.
    ``reporter`` goes with each complaint when given."""
    import random

    phase = Phase(rate=rate, seconds=seconds)
    jobs: queue.Queue = queue.Queue()
    lock = threading.Lock()
    target = urlsplit(url)
    rng = random.Random(int(rate * 1000 + seconds))

    def client() -> None:
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=TIMEOUT_S)
        while (job := jobs.get()) is not None:
            due, body = job
            try:
                connection.request(
                    "POST",
                    "/api/v1/complaints/",
                    body=body,
                    headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
                )
                response = connection.getresponse()
                response.read()
                outcome = None if response.status == 201 else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()  # the next request opens a fresh connection
            done = time.monotonic()
            with lock:
                if outcome is None:
                    phase.latencies.append((done - due) * 1000)
                else:
                    phase.errors[outcome] += 1
                phase.elapsed_s = max(phase.elapsed_s, done - start)
        connection.close()

    pool = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in pool:
        thread.start()
    total = int(rate * seconds)
    start = time.monotonic()
    for k in range(total):
        due = start + k / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if jobs.qsize() > rate * MAX_BACKLOG_S:
            phase.not_sent = total - k
            break
        lon, lat, category = rng.choice(places)
        body = {
            "category": category,
            "description": rng.choice(DESCRIPTIONS),
            "location": {"type": "Point", "coordinates": [lon, lat]},
            **({"reporter": reporter} if reporter else {}),
        }
        jobs.put((due, json.dumps(body).encode()))
    if phase.not_sent:  # the queued requests are not sent either
        while True:
            try:
                jobs.get_nowait()
                phase.not_sent += 1
            except queue.Empty:
                break
    for _ in pool:
        jobs.put(None)
    for thread in pool:
        thread.join()
    return phase


def print_phase(name: str, phase: Phase) -> None:
    """One line in the style of bench.common.report, with p99, errors and the rate achieved."""
    line = (
        f"{name:<48} median {phase.percentile(0.5):9.1f} ms   p95 {phase.percentile(0.95):9.1f} ms"
        f"   p99 {phase.percentile(0.99):9.1f} ms   errors {phase.error_count:6d}"
        f"   achieved {phase.achieved:7.1f} req/s   target 0 errors, p95 <= {P95_TARGET_MS:.0f} ms"
        f"   {'held' if phase.held else 'MISSED'}"
    )
    print(line, flush=True)
    if phase.errors or phase.not_sent:
        kinds = dict(phase.errors)
        if phase.not_sent:
            kinds[f"not sent (over {MAX_BACKLOG_S} s behind)"] = phase.not_sent
        print(f"{'':<48} errors: {kinds}", flush=True)


if __name__ == "__main__":
    main()
