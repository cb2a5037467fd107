"""Sending one delivery, once. The worker locks the delivery's row for the whole attempt and sends
only a pending one, so two jobs for one delivery (a retry after a crash, the admin's retry) cannot
both send; if the worker dies mid-send, the row is still pending and the job is run again.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications import channels, contacts, messages
from notifications.channels.base import TryLater, Undeliverable
from notifications.models import Audience, Delivery, DeliveryStatus, StaffPreference

log = logging.getLogger("peka.notifications")


class SendLater(Exception):
    """The attempt failed for now; the job is retried with backoff."""


@dataclass
class Outcome:
    status: str
    error: str = ""
    message_id: str = ""


def deliver(delivery_id: int) -> str:
    """Send the delivery if it is pending; returns its status. Raises SendLater to be retried."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("complaint__category", "complaint__agency", "user", "supporter")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery.status if delivery else "gone"
        delivery.attempts += 1
        outcome = _attempt(delivery)
        if outcome.status == DeliveryStatus.PENDING and delivery.attempts >= settings.PEKA_NOTIFY_MAX_ATTEMPTS:
            outcome.status = DeliveryStatus.FAILED
        delivery.status, delivery.last_error = outcome.status, outcome.error
        if outcome.status == DeliveryStatus.SENT:
            delivery.sent_at = timezone.now()
            delivery.whatsapp_message_id = outcome.message_id
        delivery.save(update_fields=["status", "attempts", "last_error", "sent_at", "whatsapp_message_id"])
    # Ids only: a contact never reaches the log.
    log.info("delivery %s (%s, %s): %s after %d attempt(s)", delivery.id, delivery.kind, delivery.channel,
             delivery.status, delivery.attempts)
    if delivery.status == DeliveryStatus.PENDING:
        raise SendLater(outcome.error)
    return delivery.status


def _attempt(delivery: Delivery) -> Outcome:
    contact = contacts.contact_of(delivery)
    if contact is None:
        return Outcome(DeliveryStatus.SKIPPED, "no contact on this channel")
    if not channels.enabled(delivery.channel):
        return Outcome(DeliveryStatus.SKIPPED, "channel switched off")
    if contacts.is_blocked(contact):
        return Outcome(DeliveryStatus.SKIPPED, "contact blocked after an earlier failure")
    if contacts.has_opted_out(contact, delivery.kind) or _muted(delivery):
        return Outcome(DeliveryStatus.SKIPPED, "switched off by the recipient")
    message = messages.compose(delivery, contact.hash)
    try:
        message_id = channels.sender(delivery.channel).send(contact, message)
    except Undeliverable as exc:
        contacts.block(contact, delivery.channel, _scrubbed(exc, contact))
        return Outcome(DeliveryStatus.FAILED, _scrubbed(exc, contact))
    except TryLater as exc:
        return Outcome(DeliveryStatus.PENDING, _scrubbed(exc, contact))
    # Only WhatsApp names its messages; its status webhook (whatsapp.statuses) finds the delivery by it.
    return Outcome(DeliveryStatus.SENT, message_id=message_id or "")


def _muted(delivery: Delivery) -> bool:
    if delivery.audience != Audience.STAFF:
        return False
    preference = StaffPreference.objects.filter(user_id=delivery.user_id).first()
    return bool(preference and delivery.kind in preference.muted)


def _scrubbed(exc: Exception, contact: contacts.Contact) -> str:
    """An error's text without the contact in it (servers quote the address they refuse)."""
    return str(exc).replace(contact.address, contacts.mask(contact.address))[:500]
