"""Who hears what: the one place that decides (docs/architecture.md, "Notifications").

* the reporter: a receipt on filing (any contact given); with "kabari saya" ticked, every status
  change, a public staff note, a hand-over to another agency (manage.py reroute), and the "sudah
  beres?" question PEKA_NOTIFY_QUESTION_DAYS after ``selesai``;
* supporters who left a contact with "Dukung": status changes, at a lower priority;
* the task force whose inbox a complaint enters, on filing, reopening, reassignment or a re-route
  (each member, by their channels); an agency without task forces: its supervisors;
* the officer a complaint is assigned to (complaints.assignment), by hand or automatically;
* the agency's supervisors when a complaint passes its due time unworked, again at 2× the SLA;
  city admins at 3×;
* nobody else. For a sensitive category only the reporter (a message with no location, category or
  text) and the responsible agency's staff: no supporters, no city admins.

Each recipient can switch each kind off (OptOut, StaffPreference.muted); that is checked when sending.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from complaints.models import Channel as ComplaintChannel
from complaints.models import Complaint, ComplaintEvent, EventKind, Role
from notifications import channels
from notifications.models import Audience, Channel, Kind, ReporterChoice

# Lower than the default 0: a supporter's message waits behind the reporter's and the staff's.
SUPPORTER_PRIORITY = -10


@dataclass(frozen=True)
class Recipient:
    audience: str
    key: str  # "reporter", "supporter:<id>", "user:<id>"
    channel: str
    kind: str
    language: str = "id"
    user_id: int | None = None
    supporter_id: int | None = None
    priority: int = 0


def for_event(event: ComplaintEvent, *, choice: ReporterChoice | None = None) -> list[Recipient]:
    """Everyone who hears of ``event``, on each of their channels. ``choice``: the reporter's, when the
    caller holds it (the filing that stored it)."""
    complaint = event.complaint
    out: list[Recipient] = []
    if event.kind == EventKind.CREATED:
        out += reporter(complaint, Kind.RECEIPT, consent_needed=False, choice=choice)
        out += inbox(complaint)
    elif event.kind == EventKind.STATUS:
        out += reporter(complaint, Kind.STATUS)
        out += supporters(complaint)
    elif event.kind == EventKind.NOTE and event.public:
        out += reporter(complaint, Kind.NOTE)
    elif event.kind == EventKind.ASSIGNED and (event.assignee_id or event.assignee_before_id):
        out += assigned_officer(event)
    elif event.kind in (EventKind.ASSIGNED, EventKind.REOPENED):
        out += inbox(complaint)
    return out


def reporter(
    complaint: Complaint, kind: str, *, consent_needed: bool = True, choice: ReporterChoice | None = None
) -> list[Recipient]:
    choice = choice or ReporterChoice.objects.filter(complaint=complaint).first()
    language = choice.language if choice else "id"
    wanted = []
    if choice and choice.notify or not consent_needed:
        wanted += [Channel.EMAIL] if complaint.reporter_email else []
        # A complaint filed in a WhatsApp conversation gets its receipt there (whatsapp.prompts.filed).
        in_chat = kind == Kind.RECEIPT and complaint.channel == ComplaintChannel.WHATSAPP
        wanted += [Channel.WHATSAPP] if complaint.reporter_phone and not in_chat else []
    # Asking for it on a device ("kabari saya di perangkat ini") is consent for that device. Never the
    # receipt: it is decided in the filing's transaction, before the reporter's key that subscribes a
    # device exists.
    if kind != Kind.RECEIPT and channels.enabled(Channel.WEBPUSH):
        wanted += channels.reporter_push(complaint)
    return [
        Recipient(Audience.REPORTER, "reporter", channel, kind, language)
        for channel in wanted
        if channels.enabled(channel)
    ]


def supporters(complaint: Complaint) -> list[Recipient]:
    if complaint.private:
        return []
    out = []
    for supporter in complaint.notify_supporters.confirmed():  # double opt-in: notifications.supporters
        for channel, address in ((Channel.EMAIL, supporter.email), (Channel.WHATSAPP, supporter.phone)):
            if address and channels.enabled(channel):
                out.append(
                    Recipient(
                        Audience.SUPPORTER,
                        f"supporter:{supporter.id}",
                        channel,
                        Kind.STATUS,
                        supporter.language,
                        supporter_id=supporter.id,
                        priority=SUPPORTER_PRIORITY,
                    )
                )
    return out


def inbox(complaint: Complaint) -> list[Recipient]:
    """The members of the task force whose inbox the complaint is in (the agency's supervisors if none)."""
    users = get_user_model().objects.filter(is_active=True)
    if complaint.task_force_id:
        users = users.filter(staff_role__task_forces=complaint.task_force_id)
    elif complaint.agency_id:
        users = users.filter(staff_role__role=Role.SUPERVISOR, staff_role__agency=complaint.agency_id)
    else:
        return []
    return staff(users, Kind.INBOX)


def assigned_officer(event: ComplaintEvent) -> list[Recipient]:
    """The officer given the complaint (nobody when it was given back to the whole task force); not
    the officer who took it themselves ("Ambil"), who knows."""
    if event.assignee_id is None or event.assignee_id == event.actor_id:
        return []
    return staff(get_user_model().objects.filter(pk=event.assignee_id, is_active=True), Kind.ASSIGNED)


def escalation(complaint: Complaint, level: int) -> list[Recipient]:
    """Level 1 (due time passed) and 2 (2× the SLA): the agency's supervisors; 3 (3×): the city admins,
    except for a sensitive category, which stays with the agency."""
    users = get_user_model().objects.filter(is_active=True)
    if level >= 3 and not complaint.private:
        users = users.filter(staff_role__role=Role.CITY_ADMIN)
    else:
        users = users.filter(staff_role__role=Role.SUPERVISOR, staff_role__agency=complaint.agency_id)
    return staff(users, Kind.ESCALATION)


def reassigned(complaint: Complaint) -> list[Recipient]:
    """The reporter (with "kabari saya") of a complaint handed to another agency (manage.py reroute)."""
    return reporter(complaint, Kind.REASSIGNED)


def question(complaint: Complaint) -> list[Recipient]:
    return reporter(complaint, Kind.QUESTION)


def staff(users, kind: str) -> list[Recipient]:
    """Each user on each channel of their profile (e-mail when they chose none)."""
    out = []
    # Their preferences in the same statement (a user has at most one).
    for user in users.select_related("notify_preference").distinct():
        preference = getattr(user, "notify_preference", None)
        chosen = preference.channels if preference and preference.channels else [Channel.EMAIL]
        reachable = {Channel.EMAIL: bool(user.email), Channel.WHATSAPP: bool(preference and preference.phone)}
        for channel in chosen:
            if channels.enabled(channel) and reachable.get(channel, True):
                out.append(Recipient(Audience.STAFF, f"user:{user.id}", channel, kind, user_id=user.id))
    return out
