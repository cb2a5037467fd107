"""The worker's task for bodies outside the city (procrastinate). Jobs carry the forwarding's id only."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from forwarding import sending

QUEUE = "forwarding"


@app.task(
    name="forwarding.forward",
    queue=QUEUE,
    retry=RetryStrategy(
        max_attempts=settings.PEKA_NOTIFY_MAX_ATTEMPTS,
        exponential_wait=settings.PEKA_NOTIFY_RETRY_BASE_SECONDS,
        retry_exceptions={sending.SendLater},
    ),
)
def forward(forwarding_id: int) -> str:
    return sending.forward(forwarding_id)
