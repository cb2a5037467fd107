"""What a delivery says, in the recipient's language (Indonesian unless they filed in English).

A sensitive complaint's message to its reporter says only that there is news, with the link: no
location, category, description or note.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from complaints.models import Complaint, Status
from complaints.tracking import reporter_key
from disclosure.reporter import private_url
from geo.links import site_url
from notifications import audiences
from notifications.models import Audience, Delivery, Kind

UNSUBSCRIBE_SALT = "peka.notifications.unsubscribe"
ANSWER_SALT = "peka.notifications.answer"


@dataclass(frozen=True)
class Message:
    subject: str
    lines: list[str]
    link: str
    unsubscribe_url: str
    # WhatsApp template and its body parameters (the tracking code first).
    template: str
    parameters: list[str]
    language: str
    answers: list[tuple[str, str]] = field(default_factory=list)  # (label, url) of the "sudah beres?" answers

    @property
    def text(self) -> str:
        return render_to_string("notifications/message.txt", {"message": self})

    @property
    def html(self) -> str:
        return render_to_string("notifications/message.html", {"message": self})


def tracking_url(complaint: Complaint) -> str:
    return site_url(complaint.get_absolute_url())


def reporter_url(complaint: Complaint) -> str:
    """The reporter's private link (disclosure.reporter): their own page, which a private complaint's
    public link is not; the public link for a complaint filed before reporter keys."""
    if not complaint.reporter_key_salt:
        return tracking_url(complaint)
    return site_url(private_url(complaint, reporter_key(complaint.reporter_key_salt)))


def unsubscribe_url(contact_hash: str, kind: str, *, one_click_all: bool) -> str:
    """The link to switch ``kind`` off, or everything; the mail client's one-click POST switches off
    everything when ``one_click_all`` (citizens), else the kind (staff)."""
    token = signing.dumps({"h": contact_hash, "k": kind, "all": one_click_all}, salt=UNSUBSCRIBE_SALT, compress=True)
    return site_url(reverse("notifications:unsubscribe", args=[token]))


def answer_url(complaint: Complaint, answer: str) -> str:
    token = signing.dumps({"c": complaint.id, "r": complaint.resolved_at.isoformat(), "a": answer}, salt=ANSWER_SALT)
    return site_url(reverse("notifications:answer", args=[token]))


def compose(delivery: Delivery, contact_hash: str) -> Message:
    registered = audiences.registered(delivery)
    if registered is not None:  # an audience of an app above (alerts' followers) says its own
        return registered.message(delivery)
    with translation.override(delivery.language):
        # Citizens stop everything with one click; staff switch off one kind. The page offers both.
        stop = unsubscribe_url(contact_hash, delivery.kind, one_click_all=delivery.audience != Audience.STAFF)
        if delivery.kind == Kind.DIGEST:
            return _digest(delivery, stop)
        if delivery.kind == Kind.SUPPORT_CONFIRM:
            return _support_confirmation(delivery, stop)
        complaint = delivery.complaint
        code = complaint.tracking_code
        subject, lines, template = _content(delivery, complaint)
        answers = []
        if delivery.kind == Kind.QUESTION:
            answers = [(_("Yes, it is fixed"), answer_url(complaint, "yes")), (_("No, not yet"), answer_url(complaint, "no"))]
        return Message(
            subject=f"[PEKA] {code}: {subject}",
            lines=lines,
            link={Audience.STAFF: site_url(reverse("satgas")), Audience.REPORTER: reporter_url(complaint)}.get(
                delivery.audience, tracking_url(complaint)
            ),
            unsubscribe_url=stop,
            template=template,
            parameters=[code],
            language=delivery.language,
            answers=answers,
        )


def _content(delivery: Delivery, complaint: Complaint) -> tuple[str, list[str], str]:
    """(subject, paragraphs, WhatsApp template name) for one complaint."""
    kind = delivery.kind
    if delivery.audience != Audience.STAFF and complaint.private:
        return _("There is news about your report"), [_("There is news about your report. Open the link to see it.")], "peka_kabar"
    category = complaint.category.name
    if kind == Kind.RECEIPT:
        return (
            _("your report was received"),
            [
                _("Thank you. Your report (%(category)s) was received with tracking code %(code)s.")
                % {"category": category, "code": complaint.tracking_code},
                _("It goes to %(agency)s.") % {"agency": complaint.agency.name if complaint.agency else "—"},
            ],
            "peka_tanda_terima",
        )
    if kind == Kind.STATUS:
        event = delivery.event
        status = Status(event.to_status).label if event else complaint.get_status_display()
        lines = [_("The status of report %(code)s is now: %(status)s.") % {"code": complaint.tracking_code, "status": status}]
        if event and event.note and event.public:
            lines.append(event.note)
        return _("status: %(status)s") % {"status": status}, lines, "peka_status"
    if kind == Kind.NOTE:
        return _("a note from the task force"), [delivery.event.note], "peka_catatan"
    if kind == Kind.REASSIGNED:
        return (
            _("handed to another agency"),
            [_("Report %(code)s is now handled by %(agency)s.") % {"code": complaint.tracking_code, "agency": complaint.agency.name}],
            "peka_dialihkan",
        )
    if kind == Kind.QUESTION:
        return (
            _("is it fixed?"),
            [
                _("Report %(code)s was marked resolved %(days)s days ago. Is the problem really fixed?")
                % {"code": complaint.tracking_code, "days": settings.PEKA_NOTIFY_QUESTION_DAYS}
            ],
            "peka_sudah_beres",
        )
    if kind == Kind.ASSIGNED:
        return (
            _("assigned to you"),
            [
                _("Complaint %(code)s (%(category)s) is assigned to you, due %(due)s.")
                % {"code": complaint.tracking_code, "category": category, "due": _due(complaint)}
            ],
            "peka_ditugaskan",
        )
    if kind == Kind.INBOX:
        return (
            _("new in your inbox"),
            [_("A new complaint (%(category)s) is in your inbox, due %(due)s.") % {"category": category, "due": _due(complaint)}],
            "peka_kotak_masuk",
        )
    # Kind.ESCALATION
    return (
        _("overdue"),
        [_("Complaint %(code)s (%(category)s) passed its due time (%(due)s) and is still %(status)s.")
         % {"code": complaint.tracking_code, "category": category, "due": _due(complaint), "status": complaint.get_status_display()}],
        "peka_terlambat",
    )


def supporter_confirm_url(token: str) -> str:
    return site_url(reverse("notifications:supporter-confirm", args=[token]))


def _support_confirmation(delivery: Delivery, stop: str) -> Message:
    """The one message a supporter's contact gets before its owner says yes (notifications.supporters)."""
    complaint = delivery.complaint
    confirm = supporter_confirm_url(delivery.supporter.confirm_token or "")
    return Message(
        subject=_("[PEKA] Confirm: follow report %(code)s") % {"code": complaint.tracking_code},
        lines=[
            _("Someone asked PEKA to tell this address when the status of report %(code)s changes.")
            % {"code": complaint.tracking_code},
            _(
                "Nothing is sent until you confirm. If it was not you, ignore this message: the request is deleted "
                "in %(days)s days."
            )
            % {"days": settings.PEKA_SUPPORTERS_UNCONFIRMED_DAYS},
        ],
        link=confirm,
        unsubscribe_url=stop,
        template="peka_ikuti_konfirmasi",
        parameters=[complaint.tracking_code],
        language=delivery.language,
        answers=[(_("Yes, tell me of its status"), confirm)],
    )


def _due(complaint: Complaint) -> str:
    return date_format(localtime(complaint.due_at), "DATETIME_FORMAT")


def _digest(delivery: Delivery, stop: str) -> Message:
    codes = list(Complaint.objects.filter(id__in=delivery.complaint_ids).order_by("created_at").values_list("tracking_code", flat=True))
    return Message(
        subject=_("[PEKA] %(count)d new complaints in your inbox") % {"count": len(codes)},
        lines=[_("%(count)d new complaints arrived in your inbox in the last hour:") % {"count": len(codes)}, ", ".join(codes)],
        link=site_url(reverse("satgas")),
        unsubscribe_url=stop,
        template="peka_ringkasan",
        parameters=[str(len(codes))],
        language=delivery.language,
    )
