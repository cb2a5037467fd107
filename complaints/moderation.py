"""Moderation by the responsible agency's staff (docs/rules.md, moderation rule).

Staff hide part of a description (a person's name, a phone number, an insult) or a photo from the
public, always with a reason. The original stays: ``Complaint.description`` is never rewritten; the
public reads ``Complaint.public_description``, the text with each hidden part replaced by
``REDACTED``, and a hidden photo keeps its file for the agency's staff. Each act is a versioned change
with a ``moderated`` event (staff-only) that records what was hidden and why. What the public is
served is decided in one place, disclosure.public.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.changes import WorkflowInvalid, change_save, complaint_locked
from complaints.models import Complaint, EventKind

# What stands in the public text where words were hidden.
REDACTED = "[…]"


def complaint_redact(*, complaint: Complaint, actor, text: str, reason: str, version: int | None = None) -> Complaint:
    """Hide every occurrence of ``text`` (any letter case) from the description the public reads."""
    text, reason = text.strip(), _reason(reason)
    if not text:
        raise WorkflowInvalid("text", _("Give the words to hide, exactly as they appear in the description."))
    with transaction.atomic():
        current = complaint_locked(complaint, version)
        shown = current.description if current.public_description is None else current.public_description
        redacted, found = re.subn(re.escape(text), REDACTED, shown, flags=re.IGNORECASE)
        if not found:
            raise WorkflowInvalid(
                "text", _("“%(text)s” does not occur in the description as the public reads it.") % {"text": text[:100]}
            )
        current.public_description = redacted
        note = _("Hidden from the public: “%(text)s”. Reason: %(reason)s") % {"text": text, "reason": reason}
        change_save(current, timezone.now(), EventKind.MODERATED, actor=actor, note=note, public=False)
    return current


def photo_hide(
    *, complaint: Complaint, actor, photo_id: int, reason: str, hidden: bool = True, version: int | None = None
) -> Complaint:
    """Hide one of the complaint's photos from the public (or, with ``hidden=False``, show it again)."""
    reason = _reason(reason)
    with transaction.atomic():
        current = complaint_locked(complaint, version)
        photo = current.photos.filter(pk=photo_id).first()
        if photo is None:
            raise WorkflowInvalid("photo", _("This complaint has no photo with that id."))
        photo.hidden = hidden
        photo.save(update_fields=["hidden"])
        what = _("Photo %(id)d hidden from the public.") if hidden else _("Photo %(id)d shown to the public again.")
        note = f"{what % {'id': photo.pk}} " + _("Reason: %(reason)s") % {"reason": reason}
        change_save(current, timezone.now(), EventKind.MODERATED, actor=actor, note=note, public=False)
    return current


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise WorkflowInvalid("reason", _("Say why this is hidden from the public."))
    return reason
