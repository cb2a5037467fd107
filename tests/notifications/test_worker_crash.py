"""Nothing lost, nothing sent twice: a delivery committed while no worker runs is sent once one starts,
and a worker killed in the middle of a send leaves it to the next worker, which sends exactly one copy."""

import time

import pytest

from bench.standins import drain
from notifications.models import Delivery, DeliveryStatus
from tests.notifications.test_email import WARGA, file

pytestmark = pytest.mark.django_db(transaction=True)


def test_committed_while_the_worker_is_down_is_delivered_when_it_starts(worker, smtp, post_complaint, worker_factory):
    worker.stop()
    complaint = file(post_complaint)
    time.sleep(1)
    assert smtp.messages == [] and Delivery.objects.get(complaint=complaint).status == DeliveryStatus.PENDING
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
    time.sleep(2)  # a second copy would have come by now
    assert len(smtp.to(WARGA)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
