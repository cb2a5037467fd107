"""The worker's alert tasks (procrastinate). Jobs carry ids and moments only, never a contact."""

from datetime import UTC, datetime

from django.conf import settings
from procrastinate.contrib.django import app

from alerts import services
from complaints.models import ComplaintEvent, EventKind

QUEUE = "notifications"


def followers_alert(sender, *, event: ComplaintEvent, **signal) -> None:
    """The receiver of complaints.events.complaint_event (alerts.apps): a filing queues the job that
    alerts its place's followers, in the filing's transaction. Matching and their deliveries run in
    that job, so they never slow the filing down."""
    if event.kind == EventKind.CREATED:
        alert_followers.defer(complaint_id=event.complaint_id)


@app.task(name="alerts.alert_followers", queue=QUEUE)
def alert_followers(complaint_id: int) -> int:
    """Deferred in the filing transaction of every complaint (followers_alert): the alerts for its
    instant followers, none if it is not public."""
    return services.alerts_for(complaint_id)


@app.periodic(cron=settings.PEKA_ALERTS_DIGEST_CRON, periodic_id="alert-digest")
@app.task(name="alerts.send_digests", queue=QUEUE)
def send_digests(timestamp: int) -> int:
    """The daily digests (07:00 WIB by default), for the 24 hours before the periodic task's moment."""
    return services.digest_send(datetime.fromtimestamp(timestamp, tz=UTC))


@app.periodic(cron=settings.PEKA_ALERTS_PURGE_CRON, periodic_id="alert-purge")
@app.task(name="alerts.purge_unconfirmed", queue=QUEUE)
def purge_unconfirmed(timestamp: int) -> int:
    """Subscriptions never confirmed are deleted after PEKA_ALERTS_UNCONFIRMED_DAYS days."""
    return services.subscriptions_purge(datetime.fromtimestamp(timestamp, tz=UTC))
