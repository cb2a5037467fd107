"""The channels: each is on only when configured (settings), each behind notifications.channels.base.Sender."""

from django.conf import settings

from notifications.models import Channel


def enabled(channel: str) -> bool:
    if channel == Channel.EMAIL:
        return settings.PEKA_EMAIL_ENABLED
    if channel == Channel.WHATSAPP:
        return bool(settings.PEKA_WHATSAPP_TOKEN and settings.PEKA_WHATSAPP_PHONE_ID)
    return False


def sender(channel: str):
    if channel == Channel.EMAIL:
        from notifications.channels.email import EmailSender

        return EmailSender()
    if channel == Channel.WHATSAPP:
        from notifications.channels.whatsapp import WhatsAppSender

        return WhatsAppSender()
    raise LookupError(channel)


def reporter_push(complaint) -> list[str]:
    """The push channel for a reporter who asked for it on this device (none yet)."""
    return []
