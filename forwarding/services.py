"""Starting a forwarding and recording the body's answer. The status change itself is
complaints.workflow.complaint_forward; this keeps the forwarding's own row and its job."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forwarding.models import ExternalBody, Forwarding, ForwardingStatus


class ReplyInvalid(Exception):
    """The reply cannot be recorded (HTTP 400)."""


def forwarding_start(complaint, body: ExternalBody) -> Forwarding:
    """The forwarding of ``complaint`` to ``body`` and its job, inside the caller's transaction (the
    job is deferred on Django's connection: a rolled-back filing sends nothing)."""
    assert transaction.get_connection().in_atomic_block, "a forwarding is queued inside the change's transaction"
    forwarding = Forwarding.objects.create(complaint=complaint, body=body, reference=f"PEKA-{complaint.tracking_code}")
    schedule(forwarding)
    return forwarding


def schedule(forwarding: Forwarding) -> None:
    from forwarding.tasks import forward

    forward.defer(forwarding_id=forwarding.id)


def retry(forwarding: Forwarding) -> bool:
    """Send a failed forwarding again (the admin's action); False if it was not failed."""
    with transaction.atomic():
        updated = Forwarding.objects.filter(pk=forwarding.pk, status=ForwardingStatus.FAILED).update(
            status=ForwardingStatus.PENDING, attempts=0
        )
        if updated:
            schedule(forwarding)
    return bool(updated)


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
