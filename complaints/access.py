"""Who on the staff sees and does what (docs/rules.md, users; privacy rules).

* task-force member (satgas): the complaints routed to their task forces;
* agency supervisor: every complaint of their agency, and may reassign inside it;
* city admin (admin kota) or superuser: everything, including the triage queue.
Private complaints (a sensitive category's) are seen only by their own agency's staff and city admins.
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from boundaries.models import Jurisdiction
from complaints.models import Complaint, Role, StaffRole, overdue_q


def staff_role(user) -> StaffRole | None:
    """The user's role, read once per request: the permission check, the scoping and the page all ask."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_peka_staff_role"):
        user._peka_staff_role = StaffRole.objects.filter(user=user).select_related("agency").first()
    return user._peka_staff_role


def is_city_admin(user) -> bool:
    role = staff_role(user)
    return user.is_superuser or (role is not None and role.role == Role.CITY_ADMIN)


def is_staff_member(user) -> bool:
    """Anyone who works complaints here: a city admin, or a user with a staff role."""
    return is_city_admin(user) or staff_role(user) is not None


def staff_complaints(user) -> QuerySet[Complaint]:
    """The complaints ``user`` may see, overdue first, then by due time."""
    role = staff_role(user)
    complaints = Complaint.objects.select_related(
        "category", "kecamatan", "kelurahan", "agency", "task_force", "duplicate_of", "assigned_to", "asset__kind",
        "external_body",
    ).prefetch_related("photos")
    if is_city_admin(user):
        pass
    elif role is None:
        return complaints.none()
    else:
        if role.role == Role.SUPERVISOR:
            complaints = complaints.filter(agency=role.agency_id)
        else:
            complaints = complaints.filter(task_force__in=role.task_forces.all())
        complaints = complaints.filter(Q(private=False) | Q(agency=role.agency_id))
    overdue = Case(When(overdue_q(), then=Value(1)), default=Value(0), output_field=IntegerField())
    return complaints.annotate(overdue_first=overdue).order_by("-overdue_first", "due_at", "id")


def can_reassign(user, complaint: Complaint) -> bool:
    role = staff_role(user)
    if is_city_admin(user):
        return True
    return role is not None and role.role == Role.SUPERVISOR and role.agency_id == complaint.agency_id


def staff_jurisdictions(user) -> QuerySet[Jurisdiction]:
    """The jurisdictions ``user`` works: their task forces', their agency's, or all for a city admin."""
    role = staff_role(user)
    jurisdictions = Jurisdiction.objects.select_related("agency", "task_force")
    if is_city_admin(user):
        return jurisdictions
    if role is None:
        return jurisdictions.none()
    if role.role == Role.SUPERVISOR:
        return jurisdictions.filter(agency=role.agency_id)
    return jurisdictions.filter(task_force__in=role.task_forces.all())


def is_agency_supervisor(user, complaint: Complaint) -> bool:
    """A city admin, or a supervisor of the complaint's agency."""
    role = staff_role(user)
    return is_city_admin(user) or (
        role is not None and role.role == Role.SUPERVISOR and role.agency_id == complaint.agency_id
    )


def assignment_refusal(user, complaint: Complaint, officer) -> str | None:
    """Why ``user`` may not give ``complaint`` to ``officer`` (None: they may). Supervisors of the
    agency and city admins assign anyone and take it from anyone; an officer only takes a complaint
    nobody has ("Ambil") or gives back their own."""
    if is_agency_supervisor(user, complaint):
        return None
    if officer is not None and officer.pk != user.pk:
        return _("An officer can take a complaint for themselves only; a supervisor assigns others.")
    if complaint.assigned_to_id in (None, user.pk):
        return None
    return _("This complaint is assigned to someone else: ask the supervisor to reassign it.")


def can_moderate(user, complaint: Complaint) -> bool:
    """Staff of the responsible agency (officers and supervisors) and city admins moderate."""
    role = staff_role(user)
    return is_city_admin(user) or (
        role is not None and role.agency_id is not None and role.agency_id == complaint.agency_id
    )
