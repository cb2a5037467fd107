"""Our answers in the chat: session messages queued in the transaction that decided them (one
``whatsapp.reply`` job each, carrying the reply's id only) and sent by the worker once, by
notifications.once as deliveries are: the row locked for the attempt, only a pending one sent. The id
WhatsApp gives each message is kept, for its status webhook (whatsapp.statuses); the number is
emptied once the reply is sent or given up.
"""

import json
import logging

from django.db import transaction
from procrastinate.contrib.django import app

from notifications import channels, contacts, once
from notifications.channels import whatsapp as wa
from notifications.messages import reporter_url
from notifications.models import Channel
from notifications.once import Undeliverable
from whatsapp.models import Reply
from whatsapp.prompts import PRIVATE_LINK

log = logging.getLogger("peka.whatsapp")
QUEUE = "whatsapp"


def queue(cause: str, phone: str, outgoing: list) -> list[Reply]:
    """One reply per item of ``outgoing`` (whatsapp.conversation.Outgoing), in order, inside the
    caller's transaction; a cause already queued is not queued again."""
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
        send.configure(lock=f"whatsapp-reply:{contacts.contact_hash(phone)[:16]}").defer(reply_id=reply.id)
    return made


@app.task(name="whatsapp.reply", queue=QUEUE, retry=once.RETRY)
def send(reply_id: int) -> str:
    """Send the reply if it is pending; returns its status. Raises once.SendLater to be retried."""
    return once.send_once(
        Reply.objects.select_related("complaint"),
        reply_id,
        _attempt,
        log=log,
        label=lambda r: f"reply {r.id}",
        fields=["whatsapp_message_id"],
        # Sent or given up: the number is not needed any more (statuses come by message id).
        forget=["phone"],
    )


def _attempt(reply: Reply) -> once.Outcome:
    contact = contacts.Contact(reply.phone)

    def send_session():
        if not channels.enabled(Channel.WHATSAPP):
            raise Undeliverable("WhatsApp is switched off")
        reply.whatsapp_message_id = wa.send_session(reply.phone, _content(reply))

    return once.call(send_session, scrub=lambda exc: _scrubbed(exc, contact))


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
