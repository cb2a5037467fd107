"""Sending one delivery, once (notifications.once: the row locked for the attempt, only a pending
one sent, the outcome recorded in the same transaction, retried with backoff), as the worker's
``notifications.deliver`` job, deferred by the outbox with the delivery's id only."""

import logging

from procrastinate.contrib.django import app

from notifications import channels, contacts, messages, once
from notifications.models import Audience, Delivery, DeliveryStatus, StaffPreference

log = logging.getLogger("peka.notifications")
QUEUE = "notifications"


@app.task(name="notifications.deliver", queue=QUEUE, retry=once.RETRY)
def deliver(delivery_id: int) -> str:
    """Send the delivery if it is pending; returns its status. Raises once.SendLater to be retried."""
    return once.send_once(
        Delivery.objects.select_related("complaint__category", "complaint__agency", "user", "supporter"),
        delivery_id,
        _attempt,
        log=log,
        label=lambda d: f"delivery {d.id} ({d.kind}, {d.channel})",
        fields=["whatsapp_message_id"],
    )


def _attempt(delivery: Delivery) -> once.Outcome:
    contact = contacts.contact_of(delivery)
    if contact is None:
        return once.Outcome(DeliveryStatus.SKIPPED, "no contact on this channel")
    if not channels.enabled(delivery.channel):
        return once.Outcome(DeliveryStatus.SKIPPED, "channel switched off")
    if contacts.is_blocked(contact):
        return once.Outcome(DeliveryStatus.SKIPPED, "contact blocked after an earlier failure")
    if contacts.has_opted_out(contact, delivery.kind) or _muted(delivery):
        return once.Outcome(DeliveryStatus.SKIPPED, "switched off by the recipient")
    message = messages.compose(delivery, contact.hash)

    def send():
        # Only WhatsApp names its messages; its status webhook (whatsapp.statuses) finds the delivery by it.
        delivery.whatsapp_message_id = channels.sender(delivery.channel).send(contact, message) or ""

    outcome = once.call(send, scrub=lambda exc: _scrubbed(exc, contact))
    if outcome.status == DeliveryStatus.FAILED:  # undeliverable: nothing more goes to this contact
        contacts.block(contact, delivery.channel, outcome.error)
    return outcome


def _muted(delivery: Delivery) -> bool:
    if delivery.audience != Audience.STAFF:
        return False
    preference = StaffPreference.objects.filter(user_id=delivery.user_id).first()
    return bool(preference and delivery.kind in preference.muted)


def _scrubbed(exc: Exception, contact: contacts.Contact) -> str:
    """An error's text without the contact in it (servers quote the address they refuse)."""
    return str(exc).replace(contact.address, contacts.mask(contact.address))[:500]
