"""The WhatsApp webhook's statuses: Meta's verification, signed statuses, and 131026 arriving after the send."""

import hashlib
import hmac
import json

import pytest

from notifications.contacts import Contact, is_blocked

SECRET = "rahasia-aplikasi"


@pytest.fixture
def webhook(settings):
    settings.PEKA_WHATSAPP_APP_SECRET, settings.PEKA_WHATSAPP_VERIFY_TOKEN = SECRET, "token-verifikasi"
    return "/webhooks/whatsapp/"


def status_payload(recipient: str, code: int, status: str = "failed") -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1234567890"},
        "statuses": [
            {
                "id": "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjQ",
                "status": status,
                "timestamp": "1796100000",
                "recipient_id": recipient,
                "errors": [{"code": code, "title": "Message undeliverable."}],
            }
        ],
    }
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


def post(client, url, body: bytes, secret=SECRET):
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(url, body, content_type="application/json", headers={"X-Hub-Signature-256": signature})


def test_verification(client, webhook):
    ok = client.get(
        webhook, {"hub.mode": "subscribe", "hub.verify_token": "token-verifikasi", "hub.challenge": "1158201444"}
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    assert (
        client.get(webhook, {"hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "1"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_a_131026_status_blocks_the_number(client, webhook):
    assert post(client, webhook, status_payload("6281234567890", 131026)).status_code == 200
    assert is_blocked(Contact("+6281234567890"))
    assert post(client, webhook, status_payload("6281298765432", 131047)).status_code == 200  # another error: no block
    assert not is_blocked(Contact("+6281298765432"))


@pytest.mark.django_db
def test_an_unsigned_or_forged_post_changes_nothing(client, webhook):
    body = status_payload("6281234567890", 131026)
    assert post(client, webhook, body, secret="bukan-rahasianya").status_code == 403
    assert client.post(webhook, body, content_type="application/json").status_code == 403
    assert not is_blocked(Contact("+6281234567890"))
    assert post(client, webhook, b"[1, 2").status_code == 400


def test_off_without_the_app_secret(client):
    assert client.post("/webhooks/whatsapp/", b"{}", content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_a_status_updates_the_delivery_it_names_and_only_forward(client, webhook, file_complaint):
    from notifications.models import Delivery, DeliveryStatus

    complaint = file_complaint()
    delivery = Delivery.objects.create(
        cause="event:0",
        complaint=complaint,
        kind="status",
        audience="reporter",
        recipient="reporter",
        channel="whatsapp",
        status=DeliveryStatus.SENT,
        whatsapp_message_id="wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjQ",
    )
    for reported in ("read", "delivered"):  # out of order, as Meta may deliver them
        assert post(client, webhook, status_payload("6281234567890", 0, reported)).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.READ
    assert post(client, webhook, status_payload("6281234567890", 131047)).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "131047" in delivery.last_error
