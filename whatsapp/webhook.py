"""The WhatsApp Cloud API's one webhook (/webhooks/whatsapp/): the delivery statuses of what we sent
and the messages people send us.

GET answers Meta's verification (hub.verify_token = PEKA_WHATSAPP_VERIFY_TOKEN, hub.challenge echoed).
POST must carry X-Hub-Signature-256, the HMAC-SHA256 of the raw body with the app secret
(PEKA_WHATSAPP_APP_SECRET); anything else is a 403 and nothing is stored. Statuses are applied at
once (a few updates); each message is stored once by its id and handled by a job
(whatsapp.tasks.handle), so Meta gets its 200 straight away and a redelivery changes nothing.
Without the app secret the endpoint does not exist (404).
"""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt

from geo.phones import InvalidPhone, e164
from notifications.contacts import contact_hash
from whatsapp import statuses
from whatsapp.models import InboundMessage
from whatsapp.tasks import handle

log = logging.getLogger("peka.whatsapp")


@csrf_exempt  # Meta posts without a cookie; the body's signature is the proof
def webhook(request):
    if not settings.PEKA_WHATSAPP_APP_SECRET:
        raise Http404
    if request.method == "GET":
        if request.GET.get("hub.mode") == "subscribe" and hmac.compare_digest(
            request.GET.get("hub.verify_token", ""), settings.PEKA_WHATSAPP_VERIFY_TOKEN or "\0"
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    if request.method != "POST":
        return HttpResponse(status=405)
    expected = (
        "sha256=" + hmac.new(settings.PEKA_WHATSAPP_APP_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
        return HttpResponseForbidden()
    try:
        values = [
            change["value"]
            for entry in json.loads(request.body).get("entry", [])
            for change in entry.get("changes", [])
            if isinstance(change.get("value"), dict)
        ]
    except (ValueError, AttributeError, TypeError, KeyError):
        return HttpResponseBadRequest("not a WhatsApp webhook payload", content_type="text/plain")
    reported = [s for value in values for s in _list(value.get("statuses"))]
    blocked = statuses.record(reported)
    new = receive([m for value in values for m in _list(value.get("messages"))])
    # Counts only: a number or a message's content never reaches the log.
    log.info("WhatsApp webhook: %d statuses (%d numbers blocked), %d new messages", len(reported), blocked, new)
    return HttpResponse(status=200)


def receive(messages: list) -> int:
    """Store each message not seen before and defer its job, in one transaction; returns how many were new."""
    new = 0
    with transaction.atomic():
        for message in messages:
            parsed = _parsed(message)
            if parsed is None:
                continue
            inbound, created = InboundMessage.objects.get_or_create(whatsapp_id=parsed["whatsapp_id"], defaults=parsed)
            if created:
                # One number's messages are handled one after the other, in the order they came.
                handle.configure(lock=f"whatsapp:{contact_hash(inbound.phone)[:16]}").defer(inbound_id=inbound.id)
                new += 1
    return new


def _parsed(message) -> dict | None:
    """The fields of one message of Meta's shape ({"from", "id", "type", <type>: {…}}); None if it has none."""
    if not isinstance(message, dict):
        return None
    whatsapp_id, sender, kind = (str(message.get(k) or "") for k in ("id", "from", "type"))
    if not whatsapp_id or len(whatsapp_id) > 128 or not kind:
        return None
    try:
        phone = e164("+" + sender.lstrip("+"))
    except InvalidPhone:
        return None
    content = message.get(kind)
    return {
        "whatsapp_id": whatsapp_id,
        "phone": phone,
        "kind": kind[:20],
        "content": content if isinstance(content, dict) else {},
    }


def _list(value) -> list:
    return value if isinstance(value, list) else []
