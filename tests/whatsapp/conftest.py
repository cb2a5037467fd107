"""The WhatsApp line's tests: webhook payloads in the shape Meta documents, signed with the app
secret, posted through Django; the worker handling them and answering through the Graph API stand-in."""

import hashlib
import hmac
import itertools
import json

import pytest

from tests.standins import drain

SECRET = "rahasia-aplikasi"
VERIFY_TOKEN = "token-verifikasi"
PHONE = "6281234567890"  # WhatsApp's wa_id: the number's digits
WEBHOOK = "/webhooks/whatsapp/"
_ids = itertools.count(1)


@pytest.fixture
def line(whatsapp, settings):
    """The webhook switched on (app secret, verify token) and WhatsApp sending to the stand-in."""
    settings.PEKA_WHATSAPP_APP_SECRET, settings.PEKA_WHATSAPP_VERIFY_TOKEN = SECRET, VERIFY_TOKEN
    return whatsapp


def envelope(messages=(), statuses=(), sender=PHONE) -> bytes:
    """A webhook body as the Cloud API posts it (object, entry[].changes[].value)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1234567890"},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": "Warga"}, "wa_id": sender}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    entry = {"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}
    return json.dumps({"object": "whatsapp_business_account", "entry": [entry]}).encode()


def message(kind: str, content: dict, sender=PHONE, whatsapp_id=None) -> dict:
    return {
        "from": sender,
        "id": whatsapp_id or f"wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDAw{next(_ids):06d}",
        "timestamp": "1796100000",
        "type": kind,
        kind: content,
    }


def text(body, **kw) -> dict:
    return message("text", {"body": body}, **kw)


def location(lon, lat, **kw) -> dict:
    return message("location", {"latitude": lat, "longitude": lon, "name": "Tempat", "address": "Jalan"}, **kw)


def list_reply(row_id, title="", **kw) -> dict:
    return message("interactive", {"type": "list_reply", "list_reply": {"id": row_id, "title": title or row_id}}, **kw)


def button_reply(button_id, title="", **kw) -> dict:
    return message(
        "interactive", {"type": "button_reply", "button_reply": {"id": button_id, "title": title or button_id}}, **kw
    )


def image(media_id, caption="", **kw) -> dict:
    content = {"mime_type": "image/jpeg", "sha256": "c2hhMjU2", "id": media_id}
    if caption:
        content["caption"] = caption
    return message("image", content, **kw)


def status(whatsapp_id: str, reported: str, recipient=PHONE, errors=()) -> dict:
    out = {"id": whatsapp_id, "status": reported, "timestamp": "1796100001", "recipient_id": recipient}
    if errors:
        out["errors"] = list(errors)
    return out


def signed_post(client, body: bytes, secret=SECRET):
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(WEBHOOK, body, content_type="application/json", headers={"X-Hub-Signature-256": signature})


def settle() -> None:
    """Wait until the worker has handled every message, sent every reply and every notification."""
    for _round in range(2):
        for task in ("whatsapp.handle", "whatsapp.reply", "notifications.deliver"):
            drain(task_name=task)


@pytest.fixture
def chat(client, line, worker):
    """Send messages as one person; each call posts one signed webhook and waits for the answers.
    Returns the messages PEKA sent in answer, in order."""

    def say(*messages, sender=PHONE) -> list[dict]:
        before = len(line.messages(sender))
        response = signed_post(client, envelope(messages, sender=sender))
        assert response.status_code == 200, response.content
        settle()
        return line.messages(sender)[before:]

    return say


def texts(sent: list[dict]) -> str:
    """Everything the person could read in ``sent``: texts, list and button bodies, rows and buttons."""
    return json.dumps(sent, ensure_ascii=False)
