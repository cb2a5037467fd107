"""Admin → Notifications: a delivery that failed every attempt is listed with its recipient masked and
its last error; "send again" sends it once."""

import pytest

from notifications.models import Delivery, DeliveryStatus
from tests.notifications.test_email import file
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)

BUSY = "sibuk@contoh.id"


def wait_until_failed(delivery, timeout_s=180):
    """Six attempts with backoff from 1 s take about half a minute; a loaded machine, longer."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status == DeliveryStatus.FAILED:
            return delivery
        time.sleep(0.2)
    raise TimeoutError(f"still {delivery.status} after {delivery.attempts} attempts")


def test_failures_are_listed_masked_and_a_retry_sends_once(worker, smtp, post_complaint, staff_user, client):
    smtp.defer.add(BUSY)  # every attempt answered 451
    complaint = file(post_complaint, email=BUSY, notify=False)
    delivery = wait_until_failed(Delivery.objects.get(complaint=complaint))
    assert delivery.attempts == 6 and "451" in delivery.last_error and BUSY not in delivery.last_error

    client.force_login(staff_user("admin.uji", is_staff=True, role="admin_kota"))
    page = client.get("/admin/notifications/delivery/?status__exact=failed")
    assert page.status_code == 200
    html = page.content.decode()
    assert complaint.tracking_code in html and "s***@contoh.id" in html and BUSY not in html and "451" in html

    smtp.defer.clear()
    action = {"action": "retry", "_selected_action": [delivery.pk]}
    assert client.post("/admin/notifications/delivery/", action).status_code == 302
    assert client.post("/admin/notifications/delivery/", action).status_code == 302  # a second click: not failed any more
    drain()
    [mail] = smtp.wait_for(1)
    drain()
    assert len(smtp.to(BUSY)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
