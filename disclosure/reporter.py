"""The reporter key (docs/rules.md, privacy rule 6).

The tracking code is public: it names a complaint in lists, tiles, exports and Open311. The reporter
key is the reporter's alone: 32 characters from ``secrets``, given once when the complaint is filed
(in the API answer and as the private link ``/lacak/<code>/#k=<key>``, whose fragment never reaches a
server log or a Referer), and kept only as its SHA-256. It is what rating, reopening, adding
information and seeing a private complaint's page ask for. A browser that showed the key once holds
the proof in its session until the browser closes.
"""

import hmac

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied

from complaints.models import Complaint
from complaints.tracking import key_hash

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
