"""Sending one forwarding, once: by e-mail to the body's address, or as an Open311 GeoReport v2 POST
to its endpoint with its API key. The row is locked for the attempt and only a pending one is sent.

What leaves the city is what the public may read of the complaint (its category, place,
description, answers, tracking link) and our reference; never the reporter's contact
(docs/rules.md, privacy rule 1): the body answers through PEKA.
"""

import json
import logging
import smtplib
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from disclosure.public import public_description
from forwarding.models import Delivery, Forwarding, ForwardingStatus

log = logging.getLogger("peka.forwarding")
TIMEOUT_S = 15


class SendLater(Exception):
    """The attempt failed for now; the job is retried with backoff."""


class Refused(Exception):
    """The body refused it for good (a 4xx from its endpoint): no retry; visible in the admin."""


def forward(forwarding_id: int) -> str:
    """Send the forwarding if it is pending; returns its status. Raises SendLater to be retried."""
    with transaction.atomic():
        forwarding = (
            Forwarding.objects.select_for_update(of=("self",))
            .select_related("body", "complaint__category", "complaint__kecamatan", "complaint__kelurahan")
            .filter(pk=forwarding_id)
            .first()
        )
        if forwarding is None or forwarding.status != ForwardingStatus.PENDING:
            return forwarding.status if forwarding else "gone"
        forwarding.attempts += 1
        error = ""
        try:
            forwarding.external_ref = SENDERS[forwarding.body.delivery](forwarding) or forwarding.external_ref
            forwarding.status, forwarding.sent_at = ForwardingStatus.SENT, timezone.now()
        except Refused as exc:
            forwarding.status, error = ForwardingStatus.FAILED, str(exc)[:500]
        except SendLater as exc:
            error = str(exc)[:500]
            if forwarding.attempts >= settings.PEKA_NOTIFY_MAX_ATTEMPTS:
                forwarding.status = ForwardingStatus.FAILED
        forwarding.last_error = error
        forwarding.save(update_fields=["status", "attempts", "last_error", "sent_at", "external_ref"])
    log.info(
        "forwarding %s (%s): %s after %d attempt(s)",
        forwarding.id,
        forwarding.body.code,
        forwarding.status,
        forwarding.attempts,
    )
    if forwarding.status == ForwardingStatus.PENDING:
        raise SendLater(error)
    return forwarding.status


def tracking_url(forwarding: Forwarding) -> str:
    return settings.PEKA_SITE_URL + reverse("track", args=[forwarding.complaint.tracking_code])


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
    try:
        mail.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        code, _reason = next(iter(exc.recipients.values()))
        if 500 <= code < 600:
            raise Refused(f"SMTP {code}: the body's address was refused") from exc
        raise SendLater(f"SMTP {code}: deferred") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise SendLater(f"{type(exc).__name__}: {exc}") from exc
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
            raise Refused(f"HTTP {exc.code}: {detail}") from exc
        raise SendLater(f"HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise SendLater(f"{type(exc).__name__}: {exc}") from exc
    first = answer[0] if isinstance(answer, list) and answer else answer
    if not isinstance(first, dict) or not (first.get("service_request_id") or first.get("token")):
        raise SendLater("the endpoint answered without a service_request_id or token")
    return str(first.get("service_request_id") or f"token:{first['token']}")


SENDERS = {Delivery.EMAIL: send_email, Delivery.OPEN311: send_open311}
