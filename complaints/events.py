"""A complaint's events: the one function that writes one, and the seam that announces it.

Every change in a complaint's life is an event (``ComplaintEvent``, append-only). ``event_record``
writes one inside the change's transaction and sends ``complaint_event`` with it. The apps that act
on events subscribe in their ``AppConfig.ready()``, above complaints, which imports none of them:
notifications decides who hears of it (deliveries and their jobs), its forwarding sender hands a
complaint moved to ``diteruskan`` to its body (the forwarding and its job), alerts queues the
followers' job for a filing. They run in the same transaction, so a rolled-back change leaves no
delivery and no job; a subscriber that fails undoes the change.

``events_record`` writes many at once (a demo's history, a privacy move by ``category_privacy``):
records of the past or bookkeeping that nobody is told of, so it sends nothing. Two writers stay SQL,
the set form of ``event_record``: complaints.bulk writes the creation events of a bulk load in its
``INSERT … SELECT`` (nobody is told of a bulk load), complaints.rerouting the ``rerouted`` events in
its ``UPDATE``, and announces the moves as one ``complaints_rerouted``.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from complaints.models import Complaint, ComplaintEvent, EventKind

# Sent with ``event`` (saved), and at filing with ``reporter_notify``: the reporter's "kabari saya".
complaint_event = Signal()
# Sent by `manage.py reroute --commit` with ``moves``: (complaint id, its new version, whether its
# agency changed, whether its task force changed) for each complaint it moved.
complaints_rerouted = Signal()


def event_of(
    complaint: Complaint,
    kind: EventKind,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    at=None,
    **fields,
) -> ComplaintEvent:
    """An unsaved event of ``complaint``; the statuses are the complaint's own unless given, ``at`` is
    now unless given. ``fields``: the event's other fields (actor, note, public, assignee, …)."""
    if at is not None:
        fields["at"] = at
    return ComplaintEvent(
        complaint=complaint,
        kind=kind,
        from_status=complaint.status if from_status is None else from_status,
        to_status=complaint.status if to_status is None else to_status,
        **fields,
    )


def event_record(
    complaint: Complaint, kind: EventKind, *, reporter_notify: bool | None = None, **fields
) -> ComplaintEvent:
    """Write one event of ``complaint`` (as ``event_of``) and announce it, inside the caller's
    transaction. ``reporter_notify``: at filing, the reporter's "kabari saya"."""
    assert transaction.get_connection().in_atomic_block, "an event is recorded inside its change's transaction"
    event = event_of(complaint, kind, **fields)
    event.save()
    complaint_event.send(sender=ComplaintEvent, event=event, reporter_notify=reporter_notify)
    return event


def events_record(events: Iterable[ComplaintEvent]) -> list[ComplaintEvent]:
    """Write many events (from ``event_of``) in a few statements; they are not announced."""
    return ComplaintEvent.objects.bulk_create(events, batch_size=1000)
