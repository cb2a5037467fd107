"""The reporter key (docs/rules.md, privacy rule 6).

The tracking code is public: it names a complaint in lists, tiles, exports and Open311. The reporter
key is the reporter's alone: 32 characters from ``secrets``, given once when the complaint is filed
(in the API answer and as the private link ``/lacak/<code>/#k=<key>``, whose fragment never reaches a
server log or a Referer), and kept only as its SHA-256. It is what rating, reopening, adding
information and seeing a private complaint's page ask for. A browser that showed the key once holds
the proof in its session until the browser closes.
"""

import hmac

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied, UnsupportedMediaType

from complaints.models import Complaint
from complaints.tracking import key_hash, normalize_tracking_code

SESSION_KEY = "reporter_of"


def key_opens(complaint: Complaint, key: str | None) -> bool:
    return bool(key and complaint.reporter_key_hash) and hmac.compare_digest(key_hash(key), complaint.reporter_key_hash)


def private_url(complaint: Complaint, key: str) -> str:
    """The reporter's private link, /lacak/<code>/#k=<key>: the one builder of it. Relative; an answer
    makes it absolute with its request, a message with geo.links.site_url."""
    return f"{complaint.get_absolute_url()}#k={key}"


def remember_reporter(request, complaint: Complaint) -> None:
    """This browser showed the complaint's key: it acts as the reporter until the session ends."""
    held = request.session.get(SESSION_KEY, [])
    if complaint.tracking_code not in held:
        request.session[SESSION_KEY] = [*held, complaint.tracking_code]
        request.session.cycle_key()


def supporter_of(request, key: str | None) -> str:
    """Who a "Dukung" is counted for: the reporter key they showed (of any complaint: a key names one
    person), else this browser session. The per-address daily cap bounds what new sessions can add."""
    if key and Complaint.objects.filter(reporter_key_hash=key_hash(key)).exists():
        return key_hash(f"key:{key}")
    if not request.session.session_key:
        request.session.save()
    return key_hash(f"session:{request.session.session_key}")


def action_complaint(request, tracking_code: str) -> Complaint:
    """The complaint a citizen action names (rate, reopen, add information, push), refused before
    anything the request sent is read (privacy rule 2): an unknown code is a 404, and so is a private
    complaint unless the request speaks for its reporter: a session shown the key, or the key in a
    body that parses. A body that does not parse (malformed JSON, a content type no parser takes,
    too big) proves nothing and gets the same 404, so no answer tells a private code from an unknown
    one; only the reporter, or anyone on a public complaint, hears what is wrong with the body."""
    held = request.session.get(SESSION_KEY, [])  # read for every code alike: the answer's Vary is the same
    complaint = Complaint.objects.filter(tracking_code=normalize_tracking_code(tracking_code)).first()
    if complaint is None:
        raise NotFound()
    if complaint.private and complaint.tracking_code not in held and not key_opens(complaint, _body_key(request)):
        raise NotFound()
    return complaint


def _body_key(request) -> str | None:
    """The ``reporter_key`` of a request's body, or None when there is none or the body does not parse."""
    try:
        data = request.data
    except (ParseError, UnsupportedMediaType, RequestDataTooBig):
        return None
    key = data.get("reporter_key") if hasattr(data, "get") else None
    return key if isinstance(key, str) else None


def require_reporter(request, complaint: Complaint, key) -> None:
    """For an API view: go on only for the reporter (the key, or a session shown it). A stranger gets a
    404 for a private complaint, exactly as for a code that does not exist, and a 403 for a public one."""
    if is_reporter(request, complaint, key if isinstance(key, str) else None):
        return
    if complaint.private:
        raise NotFound()
    raise PermissionDenied(_("Only the reporter can do this: send the reporter key given when it was filed."))


def is_reporter(request, complaint: Complaint, key: str | None = None) -> bool:
    """Whether the request speaks for the complaint's reporter: it carries the key, or its session
    was shown the key before."""
    return key_opens(complaint, key) or complaint.tracking_code in request.session.get(SESSION_KEY, [])
