"""Staff actions done once per Idempotency-Key (docs/api.md, idempotent staff actions).

The inbox queues actions made offline and sends each again until it hears an answer; an answer lost
on the way back (the signal drops after the server committed) must not close a complaint twice or
keep its after-photo twice. The receipt is inserted before the action, in the same transaction: a
retry that arrives later finds it and is answered as a replay, and a retry that arrives while the
first is still running waits on the receipt's unique key until the first commits, then finds it too.
A refused action rolls its receipt back with it, so a retry is decided again.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from complaints.intake import IdempotencyKeyReused
from complaints.models import Complaint, StaffActionReceipt

KEY_MAX = 64


def key_from(request) -> str | None:
    """The request's Idempotency-Key header, checked; None when there is none."""
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key and (len(key) > KEY_MAX or not key.isprintable()):
        raise ValidationError({"Idempotency-Key": [_("At most %(max)d printable characters.") % {"max": KEY_MAX}]})
    return key


def fingerprint(request) -> str:
    """SHA-256 of what the request asked: its fields and the bytes of its files."""
    digest = hashlib.sha256()
    data = request.data
    fields = (
        {name: data.getlist(name) for name in data if name not in request.FILES}
        if isinstance(data, QueryDict)
        else data
    )
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    for name in sorted(request.FILES):
        upload = request.FILES[name]
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def once(*, user, key: str | None, action: str, complaint: Complaint, request_fingerprint: str, perform) -> bool:
    """Run ``perform()`` unless ``user`` already did this action with ``key``. True when it ran now,
    False for a replay; the same key with another action, complaint or content raises
    IdempotencyKeyReused (a 422)."""
    if key is None:
        perform()
        return True
    receipt = StaffActionReceipt(
        user=user, key=key, action=action, complaint=complaint, fingerprint=request_fingerprint
    )
    if _replay(receipt):
        return False
    try:
        with transaction.atomic():
            receipt.save()
            perform()
    except IntegrityError:
        if _replay(receipt):
            return False
        raise
    return True


def _replay(receipt: StaffActionReceipt) -> bool:
    earlier = StaffActionReceipt.objects.filter(user=receipt.user, key=receipt.key).first()
    if earlier is None:
        return False
    same = (earlier.action, earlier.complaint_id, earlier.fingerprint) == (
        receipt.action,
        receipt.complaint_id,
        receipt.fingerprint,
    )
    if not same:
        raise IdempotencyKeyReused()
    return True
