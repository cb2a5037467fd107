"""Where a subscriber's delivery goes, read by the worker when it sends (notifications.contacts asks,
through notifications.audiences: registered in alerts.apps)."""

from alerts.models import Subscription
from disclosure.public import public_complaints
from notifications.models import Channel, Delivery, Kind


def subscription_of(delivery: Delivery) -> Subscription | None:
    _prefix, _colon, id_ = delivery.recipient.partition(":")
    return Subscription.objects.filter(pk=int(id_)).first() if id_.isdigit() else None


def subscriber_address(delivery: Delivery) -> str:
    """The subscription's e-mail or number on the delivery's channel; "" once it was removed, and for
    anything but its confirmation while it is unconfirmed (double opt-in, checked again when sending)."""
    subscription = subscription_of(delivery)
    if subscription is None:
        return ""
    if subscription.confirmed_at is None and delivery.kind != Kind.ALERT_CONFIRM:
        return ""
    if delivery.complaint_id and not public_complaints().filter(pk=delivery.complaint_id).exists():
        return ""  # never about a private complaint, whatever queued it
    if delivery.channel == Channel.EMAIL:
        return subscription.email
    if delivery.channel == Channel.WHATSAPP:
        return subscription.phone
    # Web Push: notifications.contacts finds the browsers by their owner, "subscription:<id>".
    return subscription.owner if delivery.channel == Channel.WEBPUSH else ""
