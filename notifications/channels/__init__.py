"""The channels: each is on only when configured (settings), each behind notifications.channels.base.Sender."""

from django.conf import settings

from notifications.channels.email import EmailSender
from notifications.channels.webpush import WebPushSender
from notifications.channels.whatsapp import WhatsAppSender
from notifications.models import Channel, PushSubscription


def enabled(channel: str) -> bool:
    if channel == Channel.EMAIL:
        return settings.PEKA_EMAIL_ENABLED
    if channel == Channel.WHATSAPP:
        return bool(settings.PEKA_WHATSAPP_TOKEN and settings.PEKA_WHATSAPP_PHONE_ID)
    if channel == Channel.WEBPUSH:
        return settings.PEKA_WEBPUSH_ENABLED
    return False


def sender(channel: str):
    if channel == Channel.EMAIL:
        return EmailSender()
    if channel == Channel.WHATSAPP:
        return WhatsAppSender()
    if channel == Channel.WEBPUSH:
        return WebPushSender()
    raise LookupError(channel)


def reporter_push(complaint) -> list[str]:
    """Web Push for a reporter who asked for it on a device ("kabari saya di perangkat ini")."""
    return [Channel.WEBPUSH] if PushSubscription.objects.filter(owner=f"complaint:{complaint.id}").exists() else []
