"""The WhatsApp line's jobs (procrastinate, the same worker as notifications). Jobs carry ids only."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from notifications.sending import SendLater
from whatsapp import conversation, replies

QUEUE = "whatsapp"


# A failed attempt changed nothing (the message is marked handled in the transaction of its change),
# so it is safe to run again: a media download that timed out, two messages racing for one conversation.
@app.task(name="whatsapp.handle", queue=QUEUE, retry=RetryStrategy(max_attempts=5, exponential_wait=2))
def handle(inbound_id: int) -> str:
    return conversation.handle(inbound_id)


@app.task(
    name="whatsapp.reply",
    queue=QUEUE,
    retry=RetryStrategy(
        max_attempts=settings.PEKA_NOTIFY_MAX_ATTEMPTS,
        exponential_wait=settings.PEKA_NOTIFY_RETRY_BASE_SECONDS,
        retry_exceptions={SendLater},
    ),
)
def reply(reply_id: int) -> str:
    return replies.send(reply_id)


@app.periodic(cron=settings.PEKA_WHATSAPP_FORGET_CRON, periodic_id="whatsapp-forget")
@app.task(name="whatsapp.forget", queue=QUEUE)
def forget(timestamp: int) -> int:
    """Delete conversations silent past their expiry, and the number they hold."""
    return conversation.forget_silent()
