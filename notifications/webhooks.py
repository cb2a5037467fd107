"""The WhatsApp Cloud API's webhook: delivery statuses arrive here after the send. A "failed" status
with error 131026 (the number is not on WhatsApp / cannot receive) blocks the number, as the same
error does when the send itself returns it.

GET answers Meta's verification (hub.verify_token = PEKA_WHATSAPP_VERIFY_TOKEN); POST must carry
X-Hub-Signature-256, the HMAC-SHA256 of the body with the app secret (PEKA_WHATSAPP_APP_SECRET).
Without the app secret the endpoint does not exist (404).
"""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt

from notifications import contacts
from notifications.channels.whatsapp import NOT_ON_WHATSAPP
from notifications.models import Channel

log = logging.getLogger("peka.notifications")


@csrf_exempt  # Meta posts without a cookie; the body's signature is the proof
def whatsapp(request):
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
    expected = "sha256=" + hmac.new(settings.PEKA_WHATSAPP_APP_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
        statuses = [
            status
            for entry in payload.get("entry", [])
            for change in entry.get("changes", [])
            for status in change.get("value", {}).get("statuses", [])
        ]
    except (ValueError, AttributeError, TypeError):
        return HttpResponseBadRequest("not a WhatsApp webhook payload", content_type="text/plain")
    blocked = 0
    for status in statuses:
        codes = {error.get("code") for error in status.get("errors", []) if isinstance(error, dict)}
        if status.get("status") == "failed" and NOT_ON_WHATSAPP in codes:
            try:
                number = contacts.e164("+" + str(status.get("recipient_id", "")).lstrip("+"))
            except contacts.InvalidPhone:
                continue
            contacts.block(contacts.Contact(number), Channel.WHATSAPP, f"WhatsApp {NOT_ON_WHATSAPP} (webhook)")
            blocked += 1
    log.info("WhatsApp webhook: %d statuses, %d numbers blocked", len(statuses), blocked)
    return HttpResponse(status=200)
