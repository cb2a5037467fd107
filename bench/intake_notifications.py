"""Intake with notifications on against off: does a filing wait on its receipt?

    .venv/bin/python -m bench.intake_notifications
    BENCH_LOAD_SECONDS=10 .venv/bin/python -m bench.intake_notifications     # quick
    BENCH_NOTIFY_RATE=40 .venv/bin/python -m bench.intake_notifications      # another rate

Two gunicorns on the bench database, as bench.intake_load runs one: one with e-mail off, one with
e-mail on (to a local SMTP server, aiosmtpd on loopback) and a procrastinate worker delivering beside
it, so the worker's share of the two cores counts against the "on" phases, as it would in production.
Every request carries a reporter with an e-mail address and "kabari saya", so the only difference is
whether the receipt is decided and queued in the filing's transaction (it is never sent inside it).

Phases of 100 requests/s (BENCH_NOTIFY_RATE) alternate off, on, off, on (BENCH_LOAD_SECONDS each, default 30), so that a
drift in the machine's load falls on both sides. Printed: each phase, the p95 of each side over its two
phases, and the difference (target: at most 1 ms), with the receipts the SMTP server accepted.
"""

import os
import time

from bench.common import BENCH_DB, progress, setup_django
from bench.intake_load import print_phase, run_phase, stored_places
from bench.server import live_server
from tests.standins import SmtpStandIn, Worker

RATE = int(os.environ.get("BENCH_NOTIFY_RATE", "100"))
TARGET_MS = 1.0
REPORTER = {"name": "Warga Bench", "email": "warga@bench.example", "notify": True}


def main() -> None:
    setup_django()
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
    places = stored_places()
    smtp = SmtpStandIn().start()
    mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)}
    worker = Worker(BENCH_DB, env={**mail, "PEKA_LOG_LEVEL": "WARNING"}).start()
    latencies = {"off": [], "on": []}
    try:
        with live_server() as off_url, live_server(env=mail) as on_url:
            progress(f"warm-up: {RATE} requests/s for 5 s on each")
            for url in (off_url, on_url):
                run_phase(url, RATE, 5, places, REPORTER)
            for side in ("off", "on", "off", "on"):
                time.sleep(2)
                progress(f"notifications {side}: {RATE} requests/s for {seconds:.0f} s")
                phase = run_phase(off_url if side == "off" else on_url, RATE, seconds, places, REPORTER)
                print_phase(f"intake, notifications {side}, {RATE} req/s", phase)
                latencies[side] += phase.latencies
        time.sleep(5)  # the worker's last receipts
    finally:
        worker.stop()
        smtp.stop()
    p95 = {side: _p95(values) for side, values in latencies.items()}
    growth = p95["on"] - p95["off"]
    verdict = "met" if growth <= TARGET_MS else "MISSED"
    print(
        f"intake p95 with notifications off {p95['off']:.1f} ms, on {p95['on']:.1f} ms: grows by {growth:+.1f} ms"
        f"   target <= {TARGET_MS:.0f} ms   {verdict}   ({len(smtp.messages):,} receipts accepted by the SMTP server)",
        flush=True,
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(round(0.95 * (len(ordered) - 1)))] if ordered else float("nan")


if __name__ == "__main__":
    main()
