"""Contacts: where a delivery goes, read only by the worker when it sends. A contact is never logged,
put in a job or shown in the admin in clear: it is masked for people and hashed for lookups."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from notifications import audiences
from notifications.models import Audience, BlockedContact, Channel, Delivery, Kind, OptOut, PushSubscription


def contact_hash(contact: str) -> str:
    """A keyed hash of a contact: the same contact always gives the same hash, and the hash gives nothing back."""
    key = f"peka-contact:{settings.SECRET_KEY}".encode()
    return hmac.new(key, contact.strip().lower().encode(), hashlib.sha256).hexdigest()


def mask(contact: str) -> str:
    """"b***@example.org", "+62812****890": enough to tell contacts apart, not enough to use one."""
    if "@" in contact:
        local, _, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{contact[:6]}****{contact[-3:]}" if len(contact) > 9 else "****"


@dataclass(frozen=True)
class Contact:
    address: str  # an e-mail address, an E.164 number, or the owner of push subscriptions ("user:<id>")

    @property
    def hash(self) -> str:
        return contact_hash(self.address)


def contact_of(delivery: Delivery) -> Contact | None:
    """The address ``delivery`` goes to on its channel, read now from where it is kept; None if there is none."""
    address = ""
    registered = audiences.registered(delivery)
    if registered is not None:  # an audience of an app above (alerts' followers: "subscription:<id>")
        address = registered.contact(delivery)
    elif delivery.audience == Audience.REPORTER:
        complaint = delivery.complaint
        # Stored in E.164 (geo.phones: at intake, and complaints' migration 0017 for older rows): sent as is.
        address = complaint.reporter_email if delivery.channel == Channel.EMAIL else complaint.reporter_phone
    elif delivery.audience == Audience.SUPPORTER:
        supporter = delivery.supporter
        # Double opt-in (notifications.supporters): nothing but the confirmation until its owner said
        # yes, and the confirmation no more once they did.
        if supporter is not None and (supporter.confirmed_at is None) == (delivery.kind == Kind.SUPPORT_CONFIRM):
            address = supporter.email if delivery.channel == Channel.EMAIL else supporter.phone
    elif delivery.user_id:
        if delivery.channel == Channel.EMAIL:
            address = delivery.user.email
        elif delivery.channel == Channel.WHATSAPP:
            preference = getattr(delivery.user, "notify_preference", None)
            address = preference.phone if preference else ""
    if delivery.channel == Channel.WEBPUSH and (address or registered is None):
        # The browsers subscribed for this recipient; the sender finds them by their owner (a
        # registered audience's contact says "" when it may not be sent to at all).
        owner = f"complaint:{delivery.complaint_id}" if delivery.audience == Audience.REPORTER else delivery.recipient
        address = owner if PushSubscription.objects.filter(owner=owner).exists() else ""
    return Contact(address) if address else None


def is_blocked(contact: Contact) -> bool:
    return BlockedContact.objects.filter(contact_hash=contact.hash).exists()


def block(contact: Contact, channel: str, reason: str) -> None:
    BlockedContact.objects.get_or_create(contact_hash=contact.hash, defaults={"channel": channel, "reason": reason})


def has_opted_out(contact: Contact, kind: str) -> bool:
    return OptOut.objects.filter(contact_hash=contact.hash, kind__in=["", kind]).exists()
