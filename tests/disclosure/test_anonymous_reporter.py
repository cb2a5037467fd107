"""An anonymous reporter ("rahasiakan identitas saya"): no officer sees their contact, and PEKA's own
messages still reach them through it (sent by the real worker to the SMTP stand-in)."""

import pytest

from complaints.models import Complaint
from notifications.models import Delivery, DeliveryStatus
from tests.conftest import complaint_body
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)

WARGA = "rahasia@contoh.id"


def test_an_anonymous_reporter_still_gets_the_receipt_by_email(worker, smtp, post_complaint):
    reporter = {"name": "Warga Rahasia", "email": WARGA, "notify": True}
    response = post_complaint(complaint_body(reporter=reporter, anonymous=True))
    assert response.status_code == 201, response.content
    assert "rahasia" not in response.content.decode().lower()  # the answer names no contact either
    complaint = Complaint.objects.get(tracking_code=response.json()["id"])
    assert complaint.reporter_anonymous is True and complaint.reporter_email == WARGA
    drain()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == WARGA and complaint.tracking_code in mail["Subject"]
    assert Delivery.objects.get(complaint=complaint).status == DeliveryStatus.SENT


@pytest.mark.parametrize("value", ["ya", None])
def test_anonymous_must_be_a_boolean(post_complaint, value):
    response = post_complaint(complaint_body(anonymous=value))
    assert response.status_code == 400 and "anonymous" in response.json()
