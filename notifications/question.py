"""The "sudah beres?" question, run as a periodic task: PEKA_NOTIFY_QUESTION_DAYS after a complaint
became ``selesai``, its reporter (who asked for updates) is asked whether the problem is really fixed.
The answer (notifications.views.answer) rates the work, or reopens the complaint."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from complaints.models import Complaint, Status
from notifications import outbox, rules
from notifications.models import QuestionAnswer

# A question not asked within a week of its day (the worker was down that long) is not asked any more.
LATEST = timedelta(days=7)


def cause(complaint: Complaint) -> str:
    """One question per resolution of a complaint."""
    return f"question:{complaint.id}:{complaint.resolved_at:%Y%m%d%H%M%S%f}"


def record(complaint: Complaint, *, fixed: bool) -> None:
    """The reporter's answer for the complaint's current resolution (once; a second answer to the same
    question changes nothing). The report card shows the share answered "fixed"."""
    QuestionAnswer.objects.get_or_create(
        complaint=complaint, resolved_at=complaint.resolved_at, defaults={"fixed": fixed}
    )


def ask(now: datetime) -> int:
    due = now - timedelta(days=settings.PEKA_NOTIFY_QUESTION_DAYS)
    resolved = Complaint.objects.filter(
        status=Status.SELESAI,
        rating__isnull=True,
        resolved_at__lte=due,
        resolved_at__gt=due - LATEST,
        notify_choice__notify=True,
    ).select_related("category")
    queued = 0
    for complaint in resolved.iterator(chunk_size=500):
        with transaction.atomic():
            queued += len(outbox.enqueue(cause(complaint), rules.question(complaint), complaint=complaint))
    return queued
