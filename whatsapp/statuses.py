"""Delivery statuses WhatsApp reports for the messages we sent (templates: notifications.Delivery;
session replies: whatsapp.Reply), found by the message id the send returned.

A status only moves forward (sent → delivered → read), since Meta may deliver them out of order;
``failed`` ends it. A failure with error 131026 (the number is not on WhatsApp / cannot receive)
also blocks the number, as the same error does when the send itself returns it.
"""

import logging

from geo.phones import InvalidPhone, e164
from notifications import contacts
from notifications.channels.whatsapp import NOT_ON_WHATSAPP
from notifications.models import Channel, Delivery, DeliveryStatus
from whatsapp.models import Reply

log = logging.getLogger("peka.whatsapp")

# What each reported status may replace.
EARLIER = {
    DeliveryStatus.DELIVERED: [DeliveryStatus.SENT],
    DeliveryStatus.READ: [DeliveryStatus.SENT, DeliveryStatus.DELIVERED],
    DeliveryStatus.FAILED: [DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ],
}


def record(statuses: list[dict]) -> int:
    """Apply the ``statuses`` of one webhook; returns how many numbers were blocked."""
    blocked = 0
    for status in statuses:
        if not isinstance(status, dict):
            continue
        errors = [e for e in status.get("errors") or [] if isinstance(e, dict)]
        reported, message_id = status.get("status"), str(status.get("id") or "")[:128]
        if message_id and reported in EARLIER:
            changes = {"status": reported}
            if reported == DeliveryStatus.FAILED:
                changes["last_error"] = "; ".join(f"WhatsApp {e.get('code')}: {e.get('title', '')}" for e in errors)[
                    :500
                ]
            for model in (Delivery, Reply):
                model.objects.filter(whatsapp_message_id=message_id, status__in=EARLIER[reported]).update(**changes)
        if reported == "failed" and NOT_ON_WHATSAPP in {e.get("code") for e in errors}:
            try:
                number = e164("+" + str(status.get("recipient_id", "")).lstrip("+"))
            except InvalidPhone:
                continue
            contacts.block(contacts.Contact(number), Channel.WHATSAPP, f"WhatsApp {NOT_ON_WHATSAPP} (webhook)")
            blocked += 1
    return blocked
