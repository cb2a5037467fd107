"""The worker's alert tasks (procrastinate). Jobs carry ids and moments only, never a contact."""

from datetime import UTC, datetime

from django.conf import settings
from procrastinate.contrib.django import app

from alerts import services

QUEUE = "notifications"


@app.task(name="alerts.alert_followers", queue=QUEUE)
def alert_followers(complaint_id: int) -> int:
    """Deferred in the filing transaction of every complaint (notifications.outbox.announce): the
    alerts for its instant followers, none if it is not public."""
    return services.alerts_for(complaint_id)


@app.periodic(cron=settings.PEKA_ALERTS_DIGEST_CRON, periodic_id="alert-digest")
@app.task(name="alerts.send_digests", queue=QUEUE)
def send_digests(timestamp: int) -> int:
    """The daily digests (07:00 WIB by default), for the 24 hours before the periodic task's moment."""
    return services.digest_send(datetime.fromtimestamp(timestamp, tz=UTC))


@app.periodic(cron=settings.PEKA_ALERTS_PURGE_CRON, periodic_id="alert-purge")
@app.task(name="alerts.purge_unconfirmed", queue=QUEUE)
def purge_unconfirmed(timestamp: int) -> int:
    """Subscriptions never confirmed are deleted after 7 days."""
    return services.subscriptions_purge(datetime.fromtimestamp(timestamp, tz=UTC))
