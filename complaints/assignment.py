"""Who in a task force works a complaint (docs/rules.md, assignment rule).

A complaint of a task force may be assigned to one of its officers (``Complaint.assigned_to``): a
supervisor of the agency (or a city admin) assigns and reassigns, one complaint or many at once; an
officer takes one nobody has ("Ambil") or gives their own back. A task force may assign its new
complaints automatically (``TaskForce.auto_assign``): in turn among its officers on duty (the one
given work longest ago first), or to the officer whose own patrol area covers the point, in turn
where none does. Every assignment is a versioned change with an ``assigned`` event naming the
officer before and after, and the officer hears of it (notifications.rules).
"""

from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import Area
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from boundaries.models import AutoAssign, TaskForce
from complaints import access
from complaints.changes import WorkflowConflict, WorkflowInvalid, change_save, complaint_locked
from complaints.models import Complaint, EventKind, StaffRole
from geo.errors import Forbidden


class AssignmentRefused(Forbidden):
    """The actor may not make this assignment (HTTP 403); the message says who may."""


def officers(task_force: TaskForce) -> QuerySet:
    """The active users who are members of ``task_force``: the only people its complaints go to."""
    return get_user_model().objects.filter(is_active=True, staff_role__task_forces=task_force).distinct()


def complaint_assign(*, complaint: Complaint, actor, officer, version: int | None = None) -> Complaint:
    """Give ``complaint`` to ``officer`` (None: to nobody, back to the whole task force) as ``actor``.

    Refused with WorkflowConflict when closed or at another version, WorkflowInvalid when the officer
    is not a member of its task force, AssignmentRefused when the actor may not. Giving it to whoever
    has it already changes nothing."""
    with transaction.atomic():
        current = complaint_locked(complaint, version)
        if not current.is_open:
            raise WorkflowConflict(_("Only an open complaint can be assigned."))
        refusal = access.assignment_refusal(actor, current, officer)
        if refusal:
            raise AssignmentRefused(refusal)
        if officer is not None and (
            current.task_force_id is None or not officers(current.task_force).filter(pk=officer.pk).exists()
        ):
            raise WorkflowInvalid(
                "officer",
                _("%(name)s is not a member of the complaint's task force (%(task_force)s).")
                % {
                    "name": officer.get_username(),
                    "task_force": current.task_force.code if current.task_force else "—",
                },
            )
        if current.assigned_to_id != (officer.pk if officer else None):
            _give(current, officer, actor=actor)
    return current


def complaints_assign(*, complaints: list[tuple[Complaint, int | None]], actor, officer) -> list[Complaint]:
    """Assign many (each with the version the actor saw) at once: all of them, or none when one is refused."""
    with transaction.atomic():
        return [complaint_assign(complaint=c, actor=actor, officer=officer, version=v) for c, v in complaints]


def assign_automatically(complaint: Complaint, *, routed_rule: str | None = None) -> Complaint | None:
    """Apply the task force's automatic assignment to a new or handed-over complaint, inside the
    caller's transaction. Returns the complaint as assigned, or None when the rule is off or nobody is
    on duty. The task force's row is locked, so two complaints arriving together take turns.
    ``routed_rule``: the rule as the complaint's routing read it a moment before (intake); off, nothing
    is asked again; on, it is read again with the lock."""
    if complaint.task_force_id is None or routed_rule == AutoAssign.OFF:
        return None
    # One statement: FOR UPDATE locks only the row the WHERE keeps, so a rule that is off locks nothing.
    task_force = (
        TaskForce.objects.select_for_update()
        .filter(pk=complaint.task_force_id)
        .exclude(auto_assign=AutoAssign.OFF)
        .first()
    )
    if task_force is None:
        return None
    officer = next_officer(task_force, complaint.location)
    if officer is None:
        return None
    current = complaint_locked(complaint, None)
    _give(current, officer, actor=None)
    return current


def next_officer(task_force: TaskForce, point):
    """The officer the rule picks for a complaint at ``point``: the smallest patrol area covering it
    (AREA), else the member on duty given work longest ago (never first, then by id)."""
    on_duty = StaffRole.objects.filter(task_forces=task_force, on_duty=True, user__is_active=True).select_related(
        "user"
    )
    if task_force.auto_assign == AutoAssign.AREA:
        # Areas compared in square degrees: only their order matters, and within one city it is the
        # order of their areas in metres.
        covering = on_duty.filter(area__covers=point).annotate(size=Area("area")).order_by("size", "user_id").first()
        if covering:
            return covering.user
    turn = on_duty.order_by(F("last_assigned_at").asc(nulls_first=True), "user_id").first()
    return turn.user if turn else None


def _give(current: Complaint, officer, *, actor) -> None:
    """Record the assignment on the locked row: the new version, the event, the officer's turn."""
    now = timezone.now()
    before = current.assigned_to
    current.assigned_to = officer
    if officer is not None:
        StaffRole.objects.filter(user=officer).update(last_assigned_at=now)
    change_save(
        current,
        now,
        EventKind.ASSIGNED,
        actor=actor,
        note=f"{before.get_username() if before else '—'} → {officer.get_username() if officer else '—'}",
        public=False,
        assignee=officer,
        assignee_before=before,
    )
