"""WhatsApp end to end: the worker posts template messages to a local stand-in of the Cloud API, which
answers as the Graph API does and keeps what it was sent."""

import pytest

from complaints.models import Complaint, Status
from notifications.models import BlockedContact, Delivery, DeliveryStatus, Kind
from tests.conftest import complaint_body
from tests.notifications.test_email import move
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)


def file(post_complaint, phone, notify=True) -> Complaint:
    response = post_complaint(complaint_body(reporter={"phone": phone, "notify": notify}))
    assert response.status_code == 201, response.content
    return Complaint.objects.get(tracking_code=response.json()["id"])


def test_the_receipt_is_a_template_in_indonesian_with_the_code(worker, whatsapp, post_complaint):
    complaint = file(post_complaint, "0812-3456-7890")
    drain()
    [request] = whatsapp.requests
    assert request["path"] == f"/v21.0/{whatsapp.phone_id}/messages"
    assert request["authorization"] == f"Bearer {whatsapp.token}"
    body = request["body"]
    assert body["to"] == "6281234567890" and body["type"] == "template"
    template = body["template"]
    assert template["name"] == "peka_tanda_terima" and template["language"] == {"code": "id"}
    [body_part] = [c for c in template["components"] if c["type"] == "body"]
    assert body_part["parameters"] == [{"type": "text", "text": complaint.tracking_code}]
    delivery = Delivery.objects.get(complaint=complaint)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.whatsapp_message_id.startswith("wamid.STANDIN")  # the id the API answered, for its statuses


def test_not_on_whatsapp_stops_further_sends(worker, whatsapp, post_complaint, admin_client):
    whatsapp.not_on_whatsapp.add("6281298765432")
    complaint = file(post_complaint, "+62 812 9876 5432")
    drain()
    receipt = Delivery.objects.get(complaint=complaint, kind=Kind.RECEIPT)
    assert receipt.status == DeliveryStatus.FAILED and "131026" in receipt.last_error
    assert "6281298765432" not in receipt.last_error
    assert BlockedContact.objects.filter(channel="whatsapp").count() == 1
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    assert Delivery.objects.get(complaint=complaint, kind=Kind.STATUS).status == DeliveryStatus.SKIPPED
    assert len(whatsapp.requests) == 1  # the status change was not posted
