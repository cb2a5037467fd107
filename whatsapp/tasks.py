"""The WhatsApp line's jobs (procrastinate, the same worker as notifications). Jobs carry ids only.
The reply job (``whatsapp.reply``) is declared beside its sender, whatsapp.replies, which defers it;
imported here, where the worker looks for tasks."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from whatsapp import conversation
from whatsapp.replies import QUEUE
from whatsapp.replies import send as reply

__all__ = ["forget", "handle", "reply"]


# A failed attempt changed nothing (the message is marked handled in the transaction of its change),
# so it is safe to run again: a media download that timed out, two messages racing for one conversation.
@app.task(name="whatsapp.handle", queue=QUEUE, retry=RetryStrategy(max_attempts=5, exponential_wait=2))
def handle(inbound_id: int) -> str:
    return conversation.handle(inbound_id)


@app.periodic(cron=settings.PEKA_WHATSAPP_FORGET_CRON, periodic_id="whatsapp-forget")
@app.task(name="whatsapp.forget", queue=QUEUE)
def forget(timestamp: int) -> int:
    """Delete conversations silent past their expiry, and the number they hold."""
    return conversation.forget_silent()
