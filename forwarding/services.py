"""Recording a body's answer to a forwarding. The status change is
complaints.workflow.complaint_forward; the forwarding's row, its job and the sending are
notifications.forwarding (above complaints: it hears the change's event)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forwarding.models import Forwarding


class ReplyInvalid(Exception):
    """The reply cannot be recorded (HTTP 400)."""


def forwarding_reply(*, forwarding: Forwarding, external_ref: str, reply: str = "") -> Forwarding:
    """What the body answered (its reference for the complaint, and its words), recorded by staff."""
    external_ref = external_ref.strip()
    if not external_ref:
        raise ReplyInvalid(_("Give the reference the body gave the complaint."))
    with transaction.atomic():
        current = Forwarding.objects.select_for_update().get(pk=forwarding.pk)
        current.external_ref, current.reply, current.answered_at = external_ref, reply.strip(), timezone.now()
        current.save(update_fields=["external_ref", "reply", "answered_at"])
    return current
