"""Our answers in the chat: session messages queued in the transaction that decided them (one job
each, carrying the reply's id only) and sent by the worker, once: the row is locked for the attempt
and only a pending one is sent, as notifications.sending does for deliveries. The id WhatsApp gives
each message is kept, for its status webhook (whatsapp.statuses).
"""

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications import channels, contacts
from notifications.channels import whatsapp as wa
from notifications.channels.base import TryLater, Undeliverable
from notifications.messages import reporter_url
from notifications.models import Channel, DeliveryStatus
from notifications.sending import SendLater
from whatsapp.models import Reply
from whatsapp.prompts import PRIVATE_LINK

log = logging.getLogger("peka.whatsapp")


def queue(cause: str, phone: str, outgoing: list) -> list[Reply]:
    """One reply per item of ``outgoing`` (whatsapp.conversation.Outgoing), in order, inside the
    caller's transaction; a cause already queued is not queued again."""
    from whatsapp.tasks import reply as reply_task

    assert transaction.get_connection().in_atomic_block, "replies are queued inside the change's transaction"
    made = []
    for n, item in enumerate(outgoing):
        reply, created = Reply.objects.get_or_create(
            cause=f"{cause}:{n}", defaults={"phone": phone, "content": item.content, "complaint": item.complaint}
        )
        if created:
            made.append(reply)
    # Sent in order: jobs of one lock run one after the other, in the order they were deferred.
    for reply in made:
        reply_task.configure(lock=f"whatsapp-reply:{contacts.contact_hash(phone)[:16]}").defer(reply_id=reply.id)
    return made


def send(reply_id: int) -> str:
    """Send the reply if it is pending; returns its status. Raises SendLater to be retried."""
    with transaction.atomic():
        reply = Reply.objects.select_for_update(of=("self",)).filter(pk=reply_id).select_related("complaint").first()
        if reply is None or reply.status != DeliveryStatus.PENDING:
            return reply.status if reply else "gone"
        reply.attempts += 1
        contact = contacts.Contact(reply.phone)
        try:
            if not channels.enabled(Channel.WHATSAPP):
                raise Undeliverable("WhatsApp is switched off")
            reply.whatsapp_message_id = wa.send_session(reply.phone, _content(reply))
            reply.status, reply.sent_at, reply.last_error = DeliveryStatus.SENT, timezone.now(), ""
        except Undeliverable as exc:
            reply.status, reply.last_error = DeliveryStatus.FAILED, _scrubbed(exc, contact)
        except TryLater as exc:
            reply.last_error = _scrubbed(exc, contact)
            if reply.attempts >= settings.PEKA_NOTIFY_MAX_ATTEMPTS:
                reply.status = DeliveryStatus.FAILED
        if reply.status != DeliveryStatus.PENDING:
            reply.phone = ""  # sent or given up: the number is not needed any more (statuses come by message id)
        reply.save()
    log.info("reply %s: %s after %d attempt(s)", reply.id, reply.status, reply.attempts)
    if reply.status == DeliveryStatus.PENDING:
        raise SendLater(reply.last_error)
    return reply.status


def _content(reply: Reply) -> dict:
    """The stored content, with the reporter's private link put in (composed now, never stored)."""
    if reply.complaint is None:
        return reply.content
    link = json.dumps(reporter_url(reply.complaint))[1:-1]
    return json.loads(json.dumps(reply.content).replace(PRIVATE_LINK, link))


def _scrubbed(exc: Exception, contact: contacts.Contact) -> str:
    text = str(exc)
    for form in (contact.address, contact.address.lstrip("+")):
        text = text.replace(form, contacts.mask(contact.address))
    return text[:500]
