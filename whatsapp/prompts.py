"""What the WhatsApp line says, in the active language (Indonesian: the conversation runs under
translation.override("id")). Each function gives a session message's content
(notifications.channels.whatsapp). None of them repeats what the person wrote, so nothing a
sensitive report says comes back into the chat.
"""

from django.utils.translation import gettext as _

from complaints.models import Category, Complaint
from notifications.channels import whatsapp as wa
from notifications.messages import tracking_url

# The list row that opens the confidential path, and the reply buttons of a duplicate offer.
SENSITIVE_PATH = "rahasia"
OTHER = "lainnya"
SUPPORT = "dukung"
FILE_ANYWAY = "baru"
# Where the reporter's private link goes in a reply's text; it is put in when the reply is sent.
PRIVATE_LINK = "{private_link}"


def welcome() -> str:
    return _(
        "Hello, this is PEKA, the complaint line of Kota Pekanbaru. Send us three things, in any order: "
        "the location (📎 → Location), a short description, and the category. Write “batal” to cancel."
    )


def ask_location() -> dict:
    return wa.session_text(_("Please share the location of the problem: tap 📎 and choose Location."))


def ask_description() -> dict:
    return wa.session_text(_("Please write a short description of the problem."))


def category_list() -> dict:
    """The public categories ("lainnya" among them) and one row for the confidential path."""
    public = list(Category.objects.filter(sensitive=False).order_by("sort_order", "code"))
    # One row is the confidential path's; "lainnya" always stays, last, whatever else must go.
    other = [c for c in public if c.code == OTHER]
    kept = [c for c in public if c.code != OTHER][: wa.LIST_ROWS - 1 - len(other)] + other
    rows = [(c.code, c.name, c.name) for c in kept]
    confidential = [(SENSITIVE_PATH, _("Confidential report"), _("Violence and other matters never shown on the map"))]
    return wa.session_list(
        _("Choose the category of the problem."),
        _("Choose a category"),
        [(_("Categories"), rows), (_("Confidential"), confidential)],
    )


def sensitive_list() -> dict:
    """The confidential path: what it means, the emergency numbers, and its categories."""
    sensitive = list(Category.objects.filter(sensitive=True).order_by("sort_order", "code")[: wa.LIST_ROWS])
    notices = " ".join(c.notice for c in sensitive if c.notice)
    body = _(
        "Confidential report: it is never shown on the map or in any public list, only the agency that "
        "handles it can read it, and we will not repeat what you write here. If you are in danger now, call "
        "the police on 110."
    )
    return wa.session_list(
        f"{body} {notices}".strip(),
        _("Choose a category"),
        [(_("Confidential"), [(c.code, c.name, c.name) for c in sensitive])],
    )


def offer_support(complaint: Complaint) -> dict:
    return wa.session_buttons(
        _(
            "There is already an open report of the same kind nearby (%(code)s, %(status)s). Support it "
            "instead of filing a new one? Support makes it count more."
        )
        % {"code": complaint.tracking_code, "status": complaint.get_status_display()},
        [(SUPPORT, _("Support")), (FILE_ANYWAY, _("File a new report"))],
    )


def supported(complaint: Complaint) -> dict:
    return wa.session_text(
        _("Thank you: your support for %(code)s was counted (%(count)d in all). Follow it at %(url)s")
        % {"code": complaint.tracking_code, "count": complaint.support_count, "url": tracking_url(complaint)}
    )


def filed(complaint: Complaint) -> dict:
    """The receipt: the tracking code and the private link; for a sensitive complaint nothing else."""
    if complaint.private:
        text = _(
            "Your confidential report was received. Tracking code: %(code)s. Only you can open this link; "
            "keep it to yourself: %(link)s"
        )
        return wa.session_text(text % {"code": complaint.tracking_code, "link": PRIVATE_LINK})
    text = _(
        "Thank you, your report (%(category)s) was received. Tracking code: %(code)s. It goes to %(agency)s. "
        "Your own link to follow it (keep it to yourself): %(link)s"
    )
    return wa.session_text(
        text
        % {
            "category": complaint.category.name,
            "code": complaint.tracking_code,
            "agency": complaint.agency.name if complaint.agency else "—",
            "link": PRIVATE_LINK,
        }
    )


def cancelled() -> dict:
    return wa.session_text(_("Cancelled: nothing was filed. Write to us again whenever you like."))


def refused(messages: list[str]) -> dict:
    return wa.session_text(" ".join(messages))


def photo_received() -> str:
    return _("The photo was received; it is attached when the report is filed.")


def not_understood() -> str:
    return _("We can read text, a shared location, a photo and the category list.")
