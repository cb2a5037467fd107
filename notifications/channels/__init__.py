"""The channels: each is on only when configured (settings), each behind notifications.channels.base.Sender."""

from django.conf import settings

from notifications.models import Channel


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
        from notifications.channels.email import EmailSender

        return EmailSender()
    if channel == Channel.WHATSAPP:
        from notifications.channels.whatsapp import WhatsAppSender

        return WhatsAppSender()
    if channel == Channel.WEBPUSH:
        from notifications.channels.webpush import WebPushSender

        return WebPushSender()
    raise LookupError(channel)


def reporter_push(complaint) -> list[str]:
    """Web Push for a reporter who asked for it on a device ("kabari saya di perangkat ini")."""
    from notifications.models import PushSubscription

    return [Channel.WEBPUSH] if PushSubscription.objects.filter(owner=f"complaint:{complaint.id}").exists() else []
