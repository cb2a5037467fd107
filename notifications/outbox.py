"""The transactional outbox: deliveries are decided and their jobs deferred inside the transaction of
the change that causes them (procrastinate defers on Django's own connection). A rolled-back change
leaves nothing to send; a committed one leaves its jobs in the database until a worker delivers them.

``announce`` and ``announce_rerouted`` hear complaints' events (complaints.events: ``complaint_event``,
``complaints_rerouted``; connected in notifications.apps), in the transaction that records them.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from complaints.models import Complaint, ComplaintEvent
from notifications import rules, sending
from notifications.models import Delivery, DeliveryStatus, Kind, ReporterChoice


def announce(sender, *, event: ComplaintEvent, reporter_notify: bool | None = None, **signal) -> list[Delivery]:
    """Decide who hears of ``event`` and queue their deliveries, inside the event's transaction (the
    receiver of complaints.events.complaint_event). At filing, ``reporter_notify`` is the reporter's
    "kabari saya"; the request's language is kept with it."""
    choice = None
    if reporter_notify is not None:
        choice = ReporterChoice.objects.create(
            complaint=event.complaint, notify=reporter_notify, language=(get_language() or "id")[:2]
        )
    return enqueue(f"event:{event.id}", rules.for_event(event, choice=choice), complaint=event.complaint, event=event)


def announce_rerouted(sender, *, moves: list[tuple[int, int, bool, bool]], **signal) -> None:
    """(complaint id, new version, agency changed, task force changed) of the complaints `manage.py
    reroute` moved, inside its transaction (the receiver of complaints.events.complaints_rerouted): the
    reporters who asked for updates hear of a new agency, and the members of a task force whose inbox a
    complaint enters hear of it (a digest past the hourly threshold, as for new filings)."""
    moves = [move for move in moves if move[2] or move[3]]
    if not moves:
        return
    asked = set(
        ReporterChoice.objects.filter(notify=True, complaint_id__in=[m[0] for m in moves if m[2]]).values_list(
            "complaint_id", flat=True
        )
    )
    complaints = Complaint.objects.select_related("category", "agency").in_bulk([m[0] for m in moves])
    # An inbox's members depend on its task force (or agency) only: asked once per inbox, not per
    # complaint (a re-route moves thousands into a few inboxes).
    inboxes = {}
    for complaint_id, version, agency_changed, task_force_changed in moves:
        complaint = complaints[complaint_id]
        if agency_changed and complaint_id in asked:
            enqueue(f"reassigned:{complaint_id}:{version}", rules.reassigned(complaint), complaint=complaint)
        if task_force_changed:
            inbox = (complaint.task_force_id, complaint.agency_id)
            if inbox not in inboxes:
                inboxes[inbox] = rules.inbox(complaint)
            enqueue(f"rerouted:{complaint_id}:{version}", inboxes[inbox], complaint=complaint)


def enqueue(cause: str, recipients: list[rules.Recipient], *, complaint=None, event=None) -> list[Delivery]:
    """One delivery per recipient and channel for ``cause`` (none twice), each with its job."""
    if not recipients:
        return []
    assert transaction.get_connection().in_atomic_block, "deliveries are queued inside the change's transaction"
    known = set(Delivery.objects.filter(cause=cause).values_list("recipient", "channel"))
    fresh = []
    for r in recipients:
        if (r.key, r.channel) in known:
            continue
        known.add((r.key, r.channel))
        if r.kind == Kind.INBOX and _over_digest_threshold(r.user_id):
            digest_add(r, complaint.id)
            continue
        fresh.append(
            (
                r,
                Delivery(
                    cause=cause,
                    event=event,
                    complaint=complaint,
                    kind=r.kind,
                    audience=r.audience,
                    recipient=r.key,
                    user_id=r.user_id,
                    supporter_id=r.supporter_id,
                    channel=r.channel,
                    language=r.language,
                ),
            )
        )
    created = Delivery.objects.bulk_create([d for _r, d in fresh])
    by_priority: dict[int, list[Delivery]] = {}
    for r, delivery in zip((r for r, _d in fresh), created, strict=True):
        by_priority.setdefault(r.priority, []).append(delivery)
    for priority, deliveries in by_priority.items():
        schedule(*deliveries, priority=priority)
    return created


def schedule(*deliveries: Delivery, priority: int = 0, at=None) -> None:
    """Defer the jobs that send ``deliveries``, in one statement (each job carries a delivery's id only)."""
    sending.deliver.configure(priority=priority, schedule_at=at).batch_defer(
        *({"delivery_id": d.id} for d in deliveries)
    )


def retry(delivery: Delivery) -> bool:
    """Send a failed delivery again (the admin's action): pending, with a new job; False if it was not failed."""
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0
        )
        if updated:
            schedule(delivery)
    return bool(updated)


def _over_digest_threshold(user_id: int) -> bool:
    since = timezone.now() - timedelta(hours=1)
    return (
        Delivery.objects.filter(user_id=user_id, kind=Kind.INBOX, created_at__gte=since).count()
        >= settings.PEKA_NOTIFY_DIGEST_PER_HOUR
    )


def digest_add(r: rules.Recipient, complaint_id: int) -> None:
    """Past the hourly threshold, a task-force member's new complaints go into one digest for the hour,
    sent when the hour ends."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    cause = f"digest:{r.user_id}:{hour:%Y%m%d%H}"
    digest, created = Delivery.objects.select_for_update().get_or_create(
        cause=cause,
        recipient=r.key,
        channel=r.channel,
        defaults={"kind": Kind.DIGEST, "audience": r.audience, "user_id": r.user_id, "language": r.language},
    )
    digest.complaint_ids = [*digest.complaint_ids, complaint_id]
    digest.save(update_fields=["complaint_ids"])
    if created:
        schedule(digest, at=hour + timedelta(hours=1))
