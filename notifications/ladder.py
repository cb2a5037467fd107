"""The escalation ladder, run as a periodic task: a complaint still unworked (``baru`` or
``diverifikasi``) past its due time goes to the agency's supervisors (level 1), again once a second
SLA period has passed (level 2, 2× the SLA), and to the city admins after a third (level 3, 3×).
Periods are counted in working days (complaints.sla), from the due time. Each level is sent once per
opening of the complaint (a reopened complaint climbs the ladder again).

A run reads the candidates and the levels already sent in two queries and asks for each agency's
recipients once, so a backlog of thousands of overdue complaints costs a scan, not a query each."""

from datetime import datetime, timedelta

from django.db import transaction

from complaints.models import UNWORKED_STATUSES, Complaint
from complaints.sla import due_at
from notifications import outbox, rules
from notifications.models import Delivery, Kind

# Complaints due longer ago than this have climbed the whole ladder (the longest SLA is far shorter).
HORIZON = timedelta(days=120)


def level_at(complaint: Complaint, now: datetime) -> int:
    """0 before the due time, then 1, 2 or 3."""
    if now < complaint.due_at:
        return 0
    second = due_at(complaint.due_at, complaint.category.sla_working_days)
    if now < second:
        return 1
    return 2 if now < due_at(second, complaint.category.sla_working_days) else 3


def cause(complaint: Complaint, level: int) -> str:
    return f"escalation:{complaint.id}:{complaint.reopen_count}:{level}"


def escalate(now: datetime) -> int:
    """Queue the ladder's messages due at ``now``; returns how many deliveries were queued."""
    overdue = (
        Complaint.objects.overdue(now)
        .filter(status__in=UNWORKED_STATUSES, due_at__gt=now - HORIZON)
        .select_related("category")
        .only("id", "reopen_count", "due_at", "agency_id", "category__sla_working_days", "private")
    )
    sent = set(
        Delivery.objects.filter(kind=Kind.ESCALATION, created_at__gt=now - 2 * HORIZON).values_list("cause", flat=True)
    )
    recipients: dict[tuple, list] = {}
    queued = 0
    for complaint in overdue.iterator(chunk_size=2000):
        for level in range(1, level_at(complaint, now) + 1):
            if cause(complaint, level) in sent:
                continue
            key = (complaint.agency_id, level >= 3, complaint.private)
            if key not in recipients:
                recipients[key] = rules.escalation(complaint, level)
            if recipients[key]:
                with transaction.atomic():
                    queued += len(outbox.enqueue(cause(complaint, level), recipients[key], complaint=complaint))
    return queued
