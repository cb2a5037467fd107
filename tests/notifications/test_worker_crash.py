"""Nothing lost, nothing sent twice: a delivery committed while no worker runs is sent once one starts,
and a worker killed in the middle of a send leaves it to the next worker, which sends exactly one copy."""

import time

import pytest
from django.db import connection

from notifications.models import Delivery, DeliveryStatus
from tests.notifications.test_email import WARGA, file
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)


def jobs_of(delivery) -> list[str]:
    """The statuses of the queued jobs that would send ``delivery`` (waiting, or under way)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM procrastinate_jobs WHERE task_name = 'notifications.deliver'"
            " AND args->>'delivery_id' = %s AND status IN ('todo', 'doing')",
            [str(delivery.id)],
        )
        return [row[0] for row in cursor.fetchall()]


def no_job_left_for(delivery, timeout_s: float = 30) -> None:
    """Wait until no job could send ``delivery`` any more: none waiting (a retry included, however far
    off) and none under way."""
    deadline = time.monotonic() + timeout_s
    while jobs_of(delivery):
        assert time.monotonic() < deadline, f"jobs still queued for delivery {delivery.id}: {jobs_of(delivery)}"
        time.sleep(0.05)


def test_committed_while_the_worker_is_down_is_delivered_when_it_starts(worker, smtp, post_complaint, worker_factory):
    worker.stop()  # returns once the process has exited
    complaint = file(post_complaint)
    delivery = Delivery.objects.get(complaint=complaint)
    # Committed and queued, with no worker to run it: it waits.
    assert worker.process.poll() is not None and jobs_of(delivery) == ["todo"]
    assert smtp.messages == [] and delivery.status == DeliveryStatus.PENDING
    worker_factory.running = worker_factory()
    drain()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == WARGA


def test_a_worker_killed_mid_delivery_leaves_exactly_one_mail(worker, smtp, post_complaint, worker_factory):
    smtp.hold.set()  # the SMTP server takes the message but does not answer yet
    complaint = file(post_complaint, notify=False)
    assert smtp.holding.wait(30), worker.log_tail()
    worker.kill()  # dies inside the send: the mail was never accepted, the job is left "doing"
    smtp.hold.clear()
    delivery = Delivery.objects.get(complaint=complaint)
    assert delivery.status == DeliveryStatus.PENDING
    worker_factory.running = worker_factory()  # finds the dead worker's job (no heartbeat) and runs it again
    [mail] = smtp.wait_for(1, timeout_s=60)
    drain()
    no_job_left_for(delivery)  # nothing left that could send a second copy
    assert len(smtp.to(WARGA)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
