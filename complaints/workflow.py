"""A complaint's life after intake: staff transitions, notes and reassignment; the citizen's reopen and rating.

    baru → diverifikasi → dikerjakan → selesai
    any open status → ditolak (a reason is required) or duplikat (naming the original)
    any open status → diteruskan, to a body outside the city (complaint_forward; at filing, by routing)
    selesai → baru, by the citizen within PEKA_REOPEN_DAYS days (a reason is required)

Every change locks the complaint row, checks the version the caller saw (optimistic concurrency:
a change made against an old version is refused, so no one silently overwrites another's work),
and writes an event (complaints.changes), announced in its transaction (complaints.events). An
event's ``public`` says whether its note may be shown to the public: staff notes only when the
officer says so, the reporter's own words never (docs/rules.md, privacy rule 7).
The citizen's actions are the reporter's: the caller has checked the reporter key (disclosure.reporter).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boundaries.models import TaskForce
from complaints import access
from complaints.assignment import assign_automatically
from complaints.changes import WorkflowConflict, WorkflowInvalid, change_save, complaint_locked
from complaints.events import event_record
from complaints.models import CLOSED_STATUSES, Complaint, ComplaintEvent, EventKind, PhotoKind, Status, Support
from complaints.onsite import DevicePosition, site_check
from complaints.photos import CleanPhoto, photo_attach
from complaints.sla import due_at
from complaints.tracking import normalize_tracking_code

TRANSITIONS = {
    Status.BARU: {Status.DIVERIFIKASI, Status.DITOLAK, Status.DUPLIKAT},
    Status.DIVERIFIKASI: {Status.DIKERJAKAN, Status.DITOLAK, Status.DUPLIKAT},
    Status.DIKERJAKAN: {Status.SELESAI, Status.DITOLAK, Status.DUPLIKAT},
    Status.SELESAI: set(),
    Status.DITOLAK: set(),
    Status.DUPLIKAT: set(),
    # Forwarded to a body outside the city (complaint_forward, not a transition): nothing follows.
    Status.DITERUSKAN: set(),
}


def allowed_transitions(complaint: Complaint) -> list[str]:
    return sorted(TRANSITIONS[Status(complaint.status)])


def complaint_transition(
    *,
    complaint: Complaint,
    actor,
    to_status: str,
    note: str = "",
    duplicate_of: str = "",
    version: int | None = None,
    photo: CleanPhoto | None = None,
    note_public: bool = False,
    position: DevicePosition | None = None,
) -> Complaint:
    """Move ``complaint`` to ``to_status`` as ``actor``; ``version`` is the version the actor saw.

    A photo sent with the move to ``selesai`` is kept as the "after" photo; its GPS, or the device's
    ``position`` at that moment, decides whether the closing is verified on site (complaints.onsite).
    The note shows on the citizen's tracking page only with ``note_public``. The original of a
    duplicate is looked up among the complaints the actor may see, so the lookup tells nothing about
    the others.
    """
    note = note.strip()
    with transaction.atomic():
        current = complaint_locked(complaint, version)
        if to_status not in TRANSITIONS[Status(current.status)]:
            raise WorkflowConflict(
                _("A complaint with status “%(from)s” cannot become “%(to)s”. Allowed: %(allowed)s.")
                % {"from": current.status, "to": to_status, "allowed": ", ".join(allowed_transitions(current)) or "—"}
            )
        if to_status == Status.DITOLAK and not note:
            raise WorkflowInvalid("note", _("Say why the complaint is rejected."))
        if to_status == Status.DUPLIKAT:
            original = (
                access.staff_complaints(actor)
                .filter(tracking_code=normalize_tracking_code(duplicate_of or ""))
                .exclude(pk=current.pk)
                .first()
            )
            if original is None:
                raise WorkflowInvalid("duplicate_of", _("Name the tracking code of the complaint this one duplicates."))
            current.duplicate_of = original
        now = timezone.now()
        from_status, current.status = current.status, to_status
        closing = {}
        if to_status == Status.SELESAI:
            current.resolved_at = now
            gps = photo.gps if photo else None
            closing = site_check(current.location, photo_gps=gps, device=position).event_fields()
            current.resolved_on_site = closing["verified_on_site"]
        if to_status in CLOSED_STATUSES:
            current.closed_at = now
        change_save(
            current,
            now,
            EventKind.STATUS,
            actor=actor,
            from_status=from_status,
            note=note,
            public=note_public,
            **closing,
        )
        if photo:
            photo_attach(current, photo, PhotoKind.AFTER if to_status == Status.SELESAI else PhotoKind.REPORT)
    return current


def complaint_forward(
    *, complaint: Complaint, body, actor=None, note: str = "", version: int | None = None
) -> Complaint:
    """Hand an open complaint to ``body``, a body outside the city: status ``diteruskan``, no longer
    the city's to work (closed_at is set, it is never overdue and never resolved). Its event, announced
    in this transaction, queues the forwarding and its job (notifications.forwarding subscribes to it).
    Intake calls it for a complaint routed to a body."""
    with transaction.atomic():
        current = complaint_locked(complaint, version)
        if not current.is_open:
            raise WorkflowConflict(_("Only an open complaint can be forwarded."))
        now = timezone.now()
        from_status = current.status
        current.status, current.external_body, current.closed_at = Status.DITERUSKAN, body, now
        note = note.strip() or _("Forwarded to %(body)s.") % {"body": body.name}
        change_save(current, now, EventKind.STATUS, actor=actor, from_status=from_status, note=note, public=True)
    return current


def complaint_support(*, complaint: Complaint, supporter: str) -> tuple[Complaint, bool]:
    """A citizen says "me too" to an open public complaint instead of filing a duplicate; once per
    ``supporter`` (a hash naming them). Returns (complaint, counted)."""
    if not complaint.is_open or complaint.private:
        raise WorkflowConflict(_("Only an open public complaint can be supported."))
    with transaction.atomic():
        _support, counted = Support.objects.get_or_create(complaint=complaint, supporter=supporter)
        if counted:
            Complaint.objects.filter(pk=complaint.pk).update(support_count=F("support_count") + 1)
    complaint.refresh_from_db(fields=["support_count"])
    return complaint, counted


def complaint_note(*, complaint: Complaint, actor, note: str, public: bool = False) -> ComplaintEvent:
    """Add a note; public notes show on the citizen's tracking page."""
    if not note.strip():
        raise WorkflowInvalid("note", _("Write the note."))
    with transaction.atomic():
        return _remark(complaint, EventKind.NOTE, note, actor=actor, public=public)


def complaint_reassign(
    *, complaint: Complaint, actor, task_force: TaskForce, note: str = "", version: int | None = None
) -> Complaint:
    """Give an open complaint to another task force of the same agency."""
    with transaction.atomic():
        current = complaint_locked(complaint, version)
        if not current.is_open:
            raise WorkflowConflict(_("Only an open complaint can be reassigned."))
        if task_force.agency_id != current.agency_id:
            raise WorkflowInvalid("task_force", _("Choose a task force of the complaint's own agency."))
        before = current.task_force.code if current.task_force else "—"
        moved = current.task_force_id != task_force.id
        current.task_force = task_force
        if moved:
            current.assigned_to = None  # an officer works for their own task force only
        change_save(
            current,
            timezone.now(),
            EventKind.ASSIGNED,
            actor=actor,
            note=f"{before} → {task_force.code}. {note}".strip(),
            public=False,
        )
        if moved:
            current = assign_automatically(current) or current
    return current


def complaint_reopen(*, complaint: Complaint, reason: str, window_from=None) -> Complaint:
    """The citizen says it was not really fixed: back to ``baru``, due again by the SLA from now.

    ``window_from``: the reopening window counts from then instead of the resolution (the
    "sudah beres?" question, which is asked when the window from resolution closes)."""
    reason = reason.strip()
    if not reason:
        raise WorkflowInvalid("reason", _("Say why the problem is not solved."))
    with transaction.atomic():
        current = complaint_locked(complaint, None)
        if current.status != Status.SELESAI:
            raise WorkflowConflict(_("Only a resolved complaint can be reopened."))
        window = timedelta(days=settings.PEKA_REOPEN_DAYS)
        now = timezone.now()
        if now - max(current.resolved_at, window_from or current.resolved_at) > window:
            raise WorkflowConflict(
                _("A complaint can be reopened up to %(days)d days after it was resolved; file a new one instead.")
                % {"days": settings.PEKA_REOPEN_DAYS}
            )
        current.status = Status.BARU
        current.resolved_at = current.closed_at = current.rating = current.resolved_on_site = None
        current.rating_comment = ""
        current.reopen_count += 1
        current.due_at = due_at(now, current.category.sla_working_days)
        change_save(current, now, EventKind.REOPENED, from_status=Status.SELESAI, note=reason, public=False)
    return current


def complaint_rate(*, complaint: Complaint, rating: int, comment: str = "") -> Complaint:
    """The citizen's 1–5 rating of a closed complaint, once per closing."""
    with transaction.atomic():
        current = complaint_locked(complaint, None)
        if current.status not in CLOSED_STATUSES:  # open, or forwarded: not the city's work to rate
            raise WorkflowConflict(_("A complaint can be rated once it is closed."))
        if current.rating is not None:
            raise WorkflowConflict(_("This complaint has already been rated."))
        current.rating, current.rating_comment = rating, comment.strip()
        change_save(
            current,
            timezone.now(),
            EventKind.RATED,
            from_status=current.status,
            note=f"{rating}/5 {comment}".strip(),
            public=False,
        )
    return current


def complaint_add_information(*, complaint: Complaint, text: str) -> ComplaintEvent:
    """The reporter adds to their complaint; staff see it, the public does not."""
    if not text.strip():
        raise WorkflowInvalid("text", _("Write what you want to add."))
    if not complaint.is_open:
        raise WorkflowConflict(_("Information can be added while the complaint is open."))
    with transaction.atomic():
        return _remark(complaint, EventKind.ADDED, text, public=False)


def _remark(complaint: Complaint, kind: EventKind, text: str, *, actor=None, public: bool) -> ComplaintEvent:
    """An event that says something without changing the complaint (a staff note still releases a
    complaint held for moderation)."""
    if actor is not None and complaint.held:
        Complaint.objects.filter(pk=complaint.pk).update(held=False)
        complaint.held = False
    return event_record(complaint, kind, actor=actor, note=text.strip(), public=public)
