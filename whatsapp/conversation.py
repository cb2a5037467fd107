"""The conversation: one number's complaint in the making, a small state machine kept in the database.

It collects a **location** (a ``location`` message), a **description** (``text``; several texts are
joined) and a **category** (the reply to the category list, whose row id is the category code), in
any order, and a photo if one comes (``image``, fetched through the media API and cleaned like a web
photo). When the three are there it is filed through the intake service, with the web's validation
(web.public.serializers.ComplaintCreateSerializer), routing and duplicate check: a nearby open
complaint of the same category is offered as "Dukung" first. "batal" / "cancel" drops it; 30 minutes
of silence (PEKA_WHATSAPP_CONVERSATION_MINUTES) starts afresh.

The reporter's number is the complaint's ``reporter_phone``, and writing to us is their consent to
hear of that complaint on WhatsApp ("kabari saya").
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone, translation

from complaints.intake import OutsideCity, complaint_create_validated
from complaints.models import Category, Channel, Complaint
from complaints.photos import PhotoRefused, photo_clean
from complaints.tracking import key_hash
from complaints.workflow import WorkflowConflict, complaint_support
from geo.spatial import WGS84, is_lon_lat
from notifications.channels import whatsapp as wa
from notifications.once import Undeliverable
from notifications.supporters import supporter_add
from web.public.selectors import nearby_open
from web.public.serializers import ComplaintCreateSerializer
from whatsapp import prompts, replies
from whatsapp.models import Conversation, InboundMessage

CANCEL = {"batal", "cancel"}
# The same radius the web's duplicate check uses by default (GET /api/v1/complaints/nearby/).
DUPLICATE_RADIUS_M = 100
# Meta retries an unacknowledged webhook for up to 7 days; a handled message's id is kept that long.
REDELIVERY_WINDOW = timedelta(days=7)


@dataclass
class Outgoing:
    content: dict
    complaint: Complaint | None = None  # its reporter's private link goes into the text when sent


def handle(inbound_id: int) -> str:
    """Handle one stored message, once: the conversation's change, any complaint filed and the replies
    queued commit together with the message marked handled (its content dropped)."""
    with transaction.atomic():
        inbound = InboundMessage.objects.select_for_update().filter(pk=inbound_id, handled_at__isnull=True).first()
        if inbound is None:
            return "already handled"
        conversation, fresh = _current(inbound.phone)
        with translation.override("id"):
            out = step(conversation, inbound, fresh=fresh)
        if conversation.pk is not None:  # still going: not filed, supported or cancelled
            conversation.save()
        replies.queue(f"inbound:{inbound.id}", inbound.phone, out)
        # Only the id stays, for redeliveries: not what was said, not who said it.
        inbound.content, inbound.phone, inbound.handled_at = {}, "", timezone.now()
        inbound.save(update_fields=["content", "phone", "handled_at"])
    return inbound.kind


def _current(phone: str) -> tuple[Conversation, bool]:
    """The number's conversation, locked, and whether it is new: there was none, or the last one fell
    silent too long ago (it is dropped)."""
    now = timezone.now()
    conversation, created = Conversation.objects.select_for_update().get_or_create(phone=phone)
    if not created and now - conversation.last_message_at > expiry():
        conversation.delete()
        conversation, created = Conversation.objects.create(phone=phone), True
    conversation.last_message_at = now
    return conversation, created


def expiry() -> timedelta:
    return timedelta(minutes=settings.PEKA_WHATSAPP_CONVERSATION_MINUTES)


def step(c: Conversation, inbound: InboundMessage, *, fresh: bool = False) -> list[Outgoing]:
    """Take one message into the conversation (the caller saves it unless it was deleted); the
    replies to send."""
    content, said = inbound.content, []
    if inbound.kind == "text":
        text = str(content.get("body", "")).strip()
        if text.lower() in CANCEL:
            c.delete()
            return [Outgoing(prompts.cancelled())]
        c.description = f"{c.description}\n{text}".strip()
    elif inbound.kind == "location":
        point = _point(content)
        if point is None:
            return [Outgoing(prompts.ask_location())]
        c.location = point
    elif inbound.kind == "interactive":
        chosen = _interactive(c, content)
        if chosen is not None:
            return chosen
    elif inbound.kind == "image":
        said.append(_photo(c, content))
    else:
        said.append(prompts.not_understood())
    if fresh and not said:
        said.append(prompts.welcome())
    return _next(c, inbound, said)


def _point(content: dict) -> Point | None:
    lat, lon = content.get("latitude"), content.get("longitude")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return None
    return Point(float(lon), float(lat), srid=WGS84) if is_lon_lat(float(lon), float(lat)) else None


def _interactive(c: Conversation, content: dict) -> list[Outgoing] | None:
    """A list choice (a category, or the confidential path) or a button ("Dukung", "file anyway").
    Returns the replies when the choice answers by itself, None to go on to the next step."""
    kind = content.get("type")
    chosen = str((content.get(kind) or {}).get("id", "")) if isinstance(content.get(kind), dict) else ""
    if kind == "list_reply":
        if chosen == prompts.SENSITIVE_PATH:  # a public category chosen before no longer holds
            c.sensitive, c.category = True, None
            return [Outgoing(prompts.sensitive_list())]
        category = Category.objects.filter(code=chosen).first()
        if category is None:
            return [Outgoing(prompts.category_list())]
        c.category, c.sensitive = category, category.sensitive
    elif kind == "button_reply" and chosen == prompts.SUPPORT and c.offered_id:
        try:
            complaint, counted = complaint_support(complaint=c.offered, supporter=key_hash(f"whatsapp:{c.phone}"))
        except WorkflowConflict:  # closed meanwhile: file theirs
            c.file_anyway = True
            return None
        if counted:
            # The number's owner pressed "Dukung" from it: their yes, no confirmation needed.
            supporter_add(complaint, {"phone": c.phone}, confirmed=True)
        c.delete()
        return [Outgoing(prompts.supported(complaint))]
    elif kind == "button_reply" and chosen == prompts.FILE_ANYWAY:
        c.file_anyway = True
    return None


def _photo(c: Conversation, content: dict) -> str:
    """Fetch and clean the photo now (so a refusal is answered at once); keep the clean JPEG."""
    media_id = str(content.get("id", ""))
    try:
        # Media ids are digits; anything else is not put into a URL.
        cleaned = photo_clean(io.BytesIO(wa.fetch_media(media_id))) if media_id.isalnum() else None
    except PhotoRefused as exc:
        return str(exc)
    except Undeliverable:
        return prompts.not_understood()
    if cleaned is None:
        return prompts.not_understood()
    cleaned.image.seek(0)
    c.photo = cleaned.image.read()
    caption = str(content.get("caption", "")).strip()
    if caption:
        c.description = f"{c.description}\n{caption}".strip()
    return prompts.photo_received()


def _next(c: Conversation, inbound: InboundMessage, said: list[str]) -> list[Outgoing]:
    """Ask for what is still missing; with everything there, offer a duplicate or file."""
    before = [Outgoing(wa.session_text(" ".join(said)))] if said else []
    if c.location is None:
        return [*before, Outgoing(prompts.ask_location())]
    if not c.description:
        return [*before, Outgoing(prompts.ask_description())]
    if c.category is None:
        return [*before, Outgoing(prompts.sensitive_list() if c.sensitive else prompts.category_list())]
    if not c.category.sensitive and not c.file_anyway:
        duplicate = nearby_open(c.location, c.category, DUPLICATE_RADIUS_M).first()
        if duplicate is not None:
            c.offered = duplicate
            return [*before, Outgoing(prompts.offer_support(duplicate))]
    return [*before, *_file(c, inbound)]


def _file(c: Conversation, inbound: InboundMessage) -> list[Outgoing]:
    """File through the intake service, exactly as the web does; a refusal is answered and the refused
    part asked for again."""
    data = {
        "category": c.category.code,
        "description": c.description,
        "location": {"type": "Point", "coordinates": [c.location.x, c.location.y]},
        "reporter": {"phone": c.phone, "notify": True},
    }
    if c.photo:
        data["photo"] = io.BytesIO(bytes(c.photo))
    incoming = ComplaintCreateSerializer(data=data)
    if not incoming.is_valid():
        if "description" in incoming.errors:
            c.description = ""
        if "photo" in incoming.errors:
            c.photo = None
        return [Outgoing(prompts.refused(list(_messages(incoming.errors))))]
    # The message that completed the conversation names the complaint: a retried job files it once.
    key = "whatsapp:" + hashlib.sha256(inbound.whatsapp_id.encode()).hexdigest()[:48]
    try:
        complaint, _created = complaint_create_validated(
            incoming.validated_data, idempotency_key=key, channel=Channel.WHATSAPP
        )
    except OutsideCity as exc:
        c.location = None
        return [Outgoing(prompts.refused([str(exc)])), Outgoing(prompts.ask_location())]
    c.delete()
    return [Outgoing(prompts.filed(complaint), complaint)]


def _messages(errors) -> list[str]:
    """The messages of a serializer's errors, however nested."""
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def forget_silent() -> int:
    """Delete the conversations silent for longer than the expiry (their number with them), and the
    messages received longer ago than Meta redelivers a webhook (one whose job gave up with them)."""
    now = timezone.now()
    InboundMessage.objects.filter(received_at__lt=now - REDELIVERY_WINDOW).delete()
    deleted, _ = Conversation.objects.filter(last_message_at__lt=now - expiry()).delete()
    return deleted
