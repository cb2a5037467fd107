"""A versioned change of a complaint, the step every change after intake takes (complaints.workflow,
complaints.assignment, complaints.moderation): the row locked until the transaction ends, at the
version the caller saw (optimistic concurrency: a change made against an old version is refused, so
no one silently overwrites another's work), then saved at the next version with its event.
"""

from django.utils.translation import gettext as _

from complaints.events import event_record
from complaints.models import Complaint, ComplaintEvent, EventKind
from geo.errors import Conflict, Invalid


class WorkflowConflict(Conflict):
    """The change does not fit the complaint as it is now (HTTP 409)."""


class WorkflowInvalid(Invalid):
    """The change lacks something it needs (HTTP 400); ``field`` names what."""


def complaint_locked(complaint: Complaint, version: int | None) -> Complaint:
    """The complaint's row, locked until the transaction ends, at the version the caller saw."""
    current = Complaint.objects.select_for_update().select_related("category").get(pk=complaint.pk)
    if version is not None and version != current.version:
        raise WorkflowConflict(
            _(
                "Someone else changed this complaint in the meantime (version %(seen)d, now %(now)d). Reload it and try again."
            )
            % {"seen": version, "now": current.version}
        )
    return current


def change_save(
    complaint: Complaint,
    now,
    kind: EventKind,
    *,
    actor=None,
    from_status: str = "",
    note: str = "",
    public: bool = True,
    **event_fields,
) -> ComplaintEvent:
    """Save a changed complaint at its next version with its event (announced: complaints.events). A
    staff member's first act on a complaint held for moderation releases its text and photos
    (docs/rules.md, moderation rule)."""
    complaint.version += 1
    complaint.updated_at = now
    if actor is not None:
        complaint.held = False
    complaint.save()
    return event_record(
        complaint,
        kind,
        at=now,
        actor=actor,
        from_status=from_status or complaint.status,
        note=note,
        public=public,
        **event_fields,
    )
