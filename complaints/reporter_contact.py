"""The reporter's contact, read by staff on a need-to-know basis (docs/rules.md, privacy rule 11).

No staff list or detail carries the reporter's name, phone or e-mail; an officer who needs to call
the reporter asks for them ("tampilkan kontak"), and each reading is logged (``ContactView``: who,
when, which complaint), for the agency's supervisors and the city admins to see. A reporter who
ticked "rahasiakan identitas saya" is shown to nobody on the staff; PEKA's own messages still reach
them (notifications reads the contact itself, not through here).

Who may see the complaint at all is ``complaints.access`` (outside one's scope: 404, decided by the
caller); this module decides the rest.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from complaints import access
from complaints.models import Complaint, ContactView
from geo.errors import Forbidden


class ContactWithheld(Forbidden):
    """The reporter asked that no officer see their identity (HTTP 403)."""

    def __init__(self):
        super().__init__(
            _(
                "The reporter asked to keep their identity secret: nobody on the staff sees their contact. "
                "PEKA still sends them the news of this complaint."
            )
        )


@dataclass(frozen=True)
class ReporterContact:
    name: str
    phone: str
    email: str


def contact_reveal(*, complaint: Complaint, actor) -> ReporterContact:
    """The reporter's contact for ``actor``, a staff member who may see ``complaint``, logged as one
    ``ContactView``. Raises ContactWithheld for an anonymous reporter, for every role."""
    if complaint.reporter_anonymous:
        raise ContactWithheld()
    ContactView.objects.create(complaint=complaint, actor=actor)
    return ReporterContact(complaint.reporter_name, complaint.reporter_phone, complaint.reporter_email)


def contact_views(user, complaint: Complaint) -> QuerySet[ContactView] | None:
    """Who read the reporter's contact, newest first: for the agency's supervisors and city admins
    only (None for anyone else)."""
    if not access.is_agency_supervisor(user, complaint):
        return None
    return complaint.contact_views.select_related("actor").order_by("-at", "-id")
