"""Sending complaints to bodies outside the city. forwarding/ keeps the bodies, their routing rules
and each complaint's Forwarding, below complaints; the sending is here, in the notifications layer,
as it hears complaints' events and reads the complaint's public face.

* ``forwarded`` hears a complaint moved to ``diteruskan`` (complaints.workflow.complaint_forward, also
  at filing) and creates its Forwarding with its job, in the change's transaction: a rolled-back
  change sends nothing.
* ``forward`` (the worker's ``forwarding.forward`` job, with the forwarding's id only) sends it once
  (notifications.once): by e-mail to the body's address, or as an Open311 GeoReport v2 POST to its
  endpoint with its API key; sent, with the body's reference when it gives one; failed for good when
  the body refuses it (an SMTP 5xx, an HTTP 4xx); otherwise pending again, retried with backoff.

What leaves the city is what the public may read of the complaint (its category, place,
description, answers, tracking link) and our reference; never the reporter's contact
(docs/rules.md, privacy rule 1): the body answers through PEKA.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from procrastinate.contrib.django import app

from complaints.models import ComplaintEvent, EventKind, Status
from disclosure.public import public_description
from forwarding.models import Delivery, ExternalBody, Forwarding, ForwardingStatus
from geo.links import site_url
from notifications import once
from notifications.channels.email import mail_send
from notifications.once import TryLater, Undeliverable

log = logging.getLogger("peka.forwarding")
TIMEOUT_S = 15
QUEUE = "forwarding"


def forwarded(sender, *, event: ComplaintEvent, **signal) -> Forwarding | None:
    """The receiver of complaints.events.complaint_event: a complaint moved to ``diteruskan`` is sent
    to its body (``complaint.external_body``)."""
    if event.kind != EventKind.STATUS or event.to_status != Status.DITERUSKAN:
        return None
    return forwarding_start(event.complaint, event.complaint.external_body)


def forwarding_start(complaint, body: ExternalBody) -> Forwarding:
    """The forwarding of ``complaint`` to ``body`` and its job, inside the caller's transaction (the
    job is deferred on Django's connection: a rolled-back filing sends nothing)."""
    assert transaction.get_connection().in_atomic_block, "a forwarding is queued inside the change's transaction"
    forwarding = Forwarding.objects.create(complaint=complaint, body=body, reference=f"PEKA-{complaint.tracking_code}")
    forward.defer(forwarding_id=forwarding.id)
    return forwarding


def forwarding_retry(forwarding: Forwarding) -> bool:
    """Send a failed forwarding again (the admin's action); False if it was not failed."""
    with transaction.atomic():
        updated = Forwarding.objects.filter(pk=forwarding.pk, status=ForwardingStatus.FAILED).update(
            status=ForwardingStatus.PENDING, attempts=0
        )
        if updated:
            forward.defer(forwarding_id=forwarding.id)
    return bool(updated)


@app.task(name="forwarding.forward", queue=QUEUE, retry=once.RETRY)
def forward(forwarding_id: int) -> str:
    """Send the forwarding if it is pending; returns its status. Raises once.SendLater to be retried."""
    return once.send_once(
        Forwarding.objects.select_related(
            "body", "complaint__category", "complaint__kecamatan", "complaint__kelurahan"
        ),
        forwarding_id,
        _attempt,
        log=log,
        label=lambda f: f"forwarding {f.id} ({f.body.code})",
        fields=["external_ref"],
    )


def _attempt(forwarding: Forwarding) -> once.Outcome:
    def send():
        # Open311 answers with the body's reference; an e-mailed body's comes with its reply (staff record it).
        forwarding.external_ref = SENDERS[forwarding.body.delivery](forwarding) or forwarding.external_ref

    return once.call(send)


def tracking_url(forwarding: Forwarding) -> str:
    return site_url(forwarding.complaint.get_absolute_url())


def _text(forwarding: Forwarding) -> str:
    c = forwarding.complaint
    lines = [
        f"Referensi PEKA: {forwarding.reference}",
        f"Kategori: {c.category.name_id} ({c.category.code})",
        f"Lokasi: {c.location.y:.6f}, {c.location.x:.6f} — {c.kelurahan.name + ', ' if c.kelurahan else ''}"
        f"Kec. {c.kecamatan.name}",
    ]
    if c.asset_id:
        lines.append(f"Aset: {c.asset.kind.name_id} {c.asset.ref}")
    lines += [f"Dilaporkan: {timezone.localtime(c.created_at):%Y-%m-%d %H:%M}", "", public_description(c), ""]
    lines += [f"{code}: {value}" for code, value in sorted(c.answers.items())]
    lines += [
        "",
        f"Halaman pelacakan: {tracking_url(forwarding)}",
        f"Mohon balas e-mail ini dengan nomor laporan Anda dan sebutkan referensi {forwarding.reference}.",
    ]
    return "\n".join(lines)


def send_email(forwarding: Forwarding) -> str:
    c = forwarding.complaint
    mail = EmailMessage(
        subject=f"[{forwarding.reference}] Laporan warga diteruskan: {c.category.name_id}",
        body=_text(forwarding),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[forwarding.body.email],
        headers={"X-PEKA-Reference": forwarding.reference, "Auto-Submitted": "auto-generated"},
    )
    mail_send(mail)
    return ""  # the body's own reference comes with its reply (staff record it)


def open311_fields(forwarding: Forwarding) -> dict:
    """The GeoReport v2 POST fields for the complaint."""
    c = forwarding.complaint
    with translation.override("id"):
        fields = {
            "api_key": forwarding.body.api_key,
            "service_code": forwarding.body.service_code or c.category.code,
            "lat": f"{c.location.y:.7f}",
            "long": f"{c.location.x:.7f}",
            "description": public_description(c),
            "media_url": "",
            "attribute[peka_reference]": forwarding.reference,
            "attribute[peka_url]": tracking_url(forwarding),
        }
    if c.asset_id:
        fields["attribute[asset]"] = c.asset.ref
    for code, value in c.answers.items():
        fields[f"attribute[{code}]"] = ",".join(value) if isinstance(value, list) else str(value)
    return {k: v for k, v in fields.items() if v != ""}


def send_open311(forwarding: Forwarding) -> str:
    """POST <endpoint>/requests.json; returns the service_request_id (or the token) it answers."""
    url = forwarding.body.endpoint.rstrip("/") + "/requests.json"
    data = urllib.parse.urlencode(open311_fields(forwarding)).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - an admin-set URL
            answer = json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        if 400 <= exc.code < 500 and exc.code not in (408, 429):
            raise Undeliverable(f"HTTP {exc.code}: {detail}") from exc
        raise TryLater(f"HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise TryLater(f"{type(exc).__name__}: {exc}") from exc
    first = answer[0] if isinstance(answer, list) and answer else answer
    if not isinstance(first, dict) or not (first.get("service_request_id") or first.get("token")):
        raise TryLater("the endpoint answered without a service_request_id or token")
    return str(first.get("service_request_id") or f"token:{first['token']}")


SENDERS = {Delivery.EMAIL: send_email, Delivery.OPEN311: send_open311}
