"""The worker's tasks (procrastinate; `manage.py procrastinate worker`). Jobs carry ids only.

The jobs that send once are declared beside their engines, which defer them (notifications.sending's
``notifications.deliver``, notifications.forwarding's ``forwarding.forward``); they are imported here,
where the worker looks for tasks."""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from procrastinate import JobContext
from procrastinate.contrib.django import app

from notifications import bounces, ladder, question, supporters
from notifications.forwarding import forward
from notifications.sending import QUEUE, deliver

__all__ = ["ask_if_fixed", "deliver", "escalate", "forward", "read_bounces", "retry_stalled"]


def _moment(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


@app.periodic(cron=settings.PEKA_NOTIFY_LADDER_CRON, periodic_id="ladder")
@app.task(name="notifications.escalate", queue=QUEUE)
def escalate(timestamp: int) -> int:
    """The escalation ladder (notifications.ladder) at the periodic task's moment."""
    return ladder.escalate(_moment(timestamp))


@app.periodic(cron=settings.PEKA_NOTIFY_QUESTION_CRON, periodic_id="question")
@app.task(name="notifications.ask_if_fixed", queue=QUEUE)
def ask_if_fixed(timestamp: int) -> int:
    """The "sudah beres?" question (notifications.question) at the periodic task's moment."""
    return question.ask(_moment(timestamp))


@app.periodic(cron=settings.PEKA_SUPPORTERS_PURGE_CRON, periodic_id="supporter-purge")
@app.task(name="notifications.purge_unconfirmed_supporters", queue=QUEUE)
def purge_unconfirmed_supporters(timestamp: int) -> int:
    """Supporters' contacts never confirmed are deleted after PEKA_SUPPORTERS_UNCONFIRMED_DAYS days."""
    return supporters.supporters_purge(_moment(timestamp))


@app.periodic(cron=settings.PEKA_BOUNCE_CRON, periodic_id="bounces")
@app.task(name="notifications.read_bounces", queue=QUEUE)
def read_bounces(timestamp: int) -> int:
    """The delivery reports in PEKA_BOUNCE_MAILDIR (notifications.bounces); nothing when it is unset.
    Returns how many addresses were blocked."""
    if not settings.PEKA_BOUNCE_MAILDIR:
        return 0
    return bounces.read(Path(settings.PEKA_BOUNCE_MAILDIR)).blocked


@app.periodic(cron=settings.PEKA_WORKER_STALLED_CRON, periodic_id="stalled")
@app.task(name="notifications.retry_stalled", queue=QUEUE, pass_context=True)
async def retry_stalled(context: JobContext, timestamp: int) -> int:
    """Run again the jobs of a worker that died mid-job (no heartbeat for PEKA_WORKER_STALLED_SECONDS):
    its deliveries are still pending, since a delivery is marked sent in the transaction of its send."""
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=settings.PEKA_WORKER_STALLED_SECONDS))
    for job in stalled:
        await manager.retry_job(job)
    return len(stalled)
