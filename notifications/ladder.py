"""The escalation ladder, run as a periodic task: a complaint still unworked (``baru`` or
``diverifikasi``) past its due time goes to the agency's supervisors (level 1), again once a second
SLA period has passed (level 2, 2× the SLA), and to the city admins after a third (level 3, 3×).
Periods are counted in working days (complaints.sla), from the due time. Each level is sent once per
opening of the complaint (a reopened complaint climbs the ladder again)."""

from datetime import datetime

from django.db import transaction

from complaints.models import Complaint, Status
from complaints.sla import due_at
from notifications import outbox, rules

UNWORKED = (Status.BARU, Status.DIVERIFIKASI)


def level_at(complaint: Complaint, now: datetime) -> int:
    """0 before the due time, then 1, 2 or 3."""
    if now < complaint.due_at:
        return 0
    second = due_at(complaint.due_at, complaint.category.sla_working_days)
    if now < second:
        return 1
    return 2 if now < due_at(second, complaint.category.sla_working_days) else 3


def escalate(now: datetime) -> int:
    """Queue the ladder's messages due at ``now``; returns how many deliveries were queued."""
    queued = 0
    overdue = Complaint.objects.overdue(now).filter(status__in=UNWORKED).select_related("category")
    for complaint in overdue.iterator(chunk_size=500):
        for level in range(1, level_at(complaint, now) + 1):
            cause = f"escalation:{complaint.id}:{complaint.reopen_count}:{level}"
            recipients = rules.escalation(complaint, level)
            if recipients:
                with transaction.atomic():
                    queued += len(outbox.enqueue(cause, recipients, complaint=complaint))
    return queued
