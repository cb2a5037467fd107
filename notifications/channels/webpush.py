"""Web Push (pywebpush): the message encrypted for each subscribed browser (RFC 8291, aes128gcm) and
posted to its push service with our VAPID signature (RFC 8292). A subscription the push service says
is gone (404, 410) is deleted."""

import json

from django.conf import settings
from pywebpush import WebPushException, webpush

from notifications.contacts import Contact
from notifications.messages import Message
from notifications.models import PushSubscription
from notifications.once import TryLater
from notifications.vapid import vapid

GONE = {404, 410}


def payload(message: Message) -> str:
    return json.dumps({"title": message.subject, "body": message.lines[0] if message.lines else "", "url": message.link})


class WebPushSender:
    def send(self, contact: Contact, message: Message) -> None:
        data, sent, errors = payload(message), 0, []
        for subscription in PushSubscription.objects.filter(owner=contact.address):
            try:
                webpush(
                    subscription.info(),
                    data,
                    vapid_private_key=vapid(),
                    vapid_claims={"sub": settings.PEKA_VAPID_SUBJECT},
                    ttl=24 * 3600,
                    timeout=30,
                )
                sent += 1
            except WebPushException as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status in GONE:
                    subscription.delete()
                else:
                    errors.append(f"push service answered {status}")
        # Retried only when no browser got it: a retry would send again to those that did.
        if errors and not sent:
            raise TryLater("; ".join(errors))
