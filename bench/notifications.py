"""Notification benchmarks (docs/benchmarks.md): one status change fanned out to many recipients and
delivered by the worker to a local SMTP server (aiosmtpd on loopback), at worker concurrency 1 and 4.

    .venv/bin/python -m bench.notifications          # NOTIFY_N recipients (default 1000)

Figures: how long the staff member's transition takes with N recipients decided in its transaction
(against the same change with none: a status change does not wait on delivery), and the worker's
throughput, messages per second from the commit to the last message accepted by the SMTP server.
"""

import io
import os
import time

from bench.common import BENCH_DB, setup_django, timed
from tests.standins import SmtpStandIn, Worker, drain


def main() -> None:
    setup_django()
    from django.contrib.auth.models import User
    from django.contrib.gis.geos import Point
    from django.core.management import call_command

    from complaints.intake import Reporter, complaint_create
    from complaints.models import Category, Status
    from complaints.workflow import complaint_transition
    from notifications.models import Delivery, DeliveryStatus, Supporter

    n = int(os.environ.get("NOTIFY_N", "1000"))
    call_command("migrate", verbosity=0)
    for command in ("load_city", "load_agencies", "load_categories"):
        call_command(command, stdout=io.StringIO())
    admin, _ = User.objects.get_or_create(username="bench.notify", defaults={"is_superuser": True})
    sampah = Category.objects.get(code="sampah")

    def complaint_with_supporters(count: int):
        complaint, _ = complaint_create(
            category=sampah, description="Bench: fan-out.", location=Point(101.44, 0.51, srid=4326), reporter=Reporter()
        )
        Supporter.objects.bulk_create(
            Supporter(complaint=complaint, email=f"pendukung{i}@bench.example") for i in range(count)
        )
        return complaint

    # The staff member's transition: no recipients against N, each deciding its deliveries in the transaction.
    for count in (0, n):
        complaints = iter([complaint_with_supporters(count) for _ in range(6)])
        result = timed(
            lambda batch=complaints: complaint_transition(
                complaint=next(batch), actor=admin, to_status=Status.DIVERIFIKASI
            )
        )
        print(f"status change with {count:>5} recipients queued       median {result['median_ms']:8.1f} ms   "
              f"p95 {result['p95_ms']:8.1f} ms", flush=True)

    # Those deliveries are not part of the throughput run: marked skipped, their jobs end at once.
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.SKIPPED)
    smtp = SmtpStandIn().start()
    try:
        for concurrency in (1, 4):
            worker = Worker(
                BENCH_DB,
                env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "PEKA_LOG_LEVEL": "WARNING"},
                concurrency=concurrency,
            ).start()
            try:
                drain(timeout_s=600)  # the jobs of the runs above
                smtp.clear()
                complaint = complaint_with_supporters(n)
                start = time.perf_counter()
                complaint_transition(complaint=complaint, actor=admin, to_status=Status.DIVERIFIKASI)
                smtp.wait_for(n, timeout_s=600)
                seconds = time.perf_counter() - start
                print(f"fan-out of one status change to {n} by e-mail, worker concurrency {concurrency}: "
                      f"{seconds:6.2f} s, {n / seconds:7.1f} messages/s", flush=True)
            finally:
                worker.remove()
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
