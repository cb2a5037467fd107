"""Contacts that follow one complaint's status changes: left with a "Dukung" (opt-in) or "Ikuti laporan
ini" (alerts.views.follow_complaint). Nobody's contact is used without its owner's yes (double opt-in,
as alerts' area subscriptions): a new contact gets one confirmation, a link, and nothing else until it
is opened (notifications.contacts gives no address for anything else, notifications.rules queues no
update); left unconfirmed for PEKA_SUPPORTERS_UNCONFIRMED_DAYS it is deleted (supporters_purge, a
periodic task). A contact follows a complaint once: rows are unique on the complaint and the keyed
hash of the normalised address (e-mails lower-cased, phones E.164 from geo.rest.PhoneField), so the
same contact sent again adds nothing and is sent no second confirmation.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import serializers

from complaints.models import Complaint
from geo.rest import PhoneField, StrictSerializer
from notifications import channels, outbox
from notifications.contacts import contact_hash
from notifications.models import Audience, Channel, Kind, Supporter
from notifications.rules import Recipient


class SupporterContactSerializer(StrictSerializer):
    """The optional body of a "Dukung": where to hear of status changes. Private, never public."""

    email = serializers.EmailField(required=False, allow_blank=True)
    phone = PhoneField(required=False, allow_blank=True)


def supporter_contact(data) -> dict:
    """The validated contact of a "Dukung" body ({} if none); a bad one raises ValidationError (400)."""
    incoming = SupporterContactSerializer(data=data if isinstance(data, dict) else {})
    incoming.is_valid(raise_exception=True)
    return {k: v for k, v in incoming.validated_data.items() if v}


def supporter_add(complaint: Complaint, contact: dict, *, confirmed: bool = False) -> list[Supporter]:
    """The complaint's supporters for ``contact`` (an e-mail and/or a phone, each its own row), new ones
    unconfirmed with their confirmation queued in this transaction; a contact that already follows the
    complaint is returned as it is and sent nothing. ``confirmed``: the request itself came from the
    contact (a "Dukung" on the WhatsApp line, from that number), so it is confirmed and sent no
    confirmation."""
    found = []
    language = (get_language() or "id")[:2]
    for field, address in (("email", contact.get("email", "").strip().lower()), ("phone", contact.get("phone", ""))):
        if not address:
            continue
        with transaction.atomic():
            supporter, created = Supporter.objects.get_or_create(
                complaint=complaint,
                contact_hash=contact_hash(address),
                defaults={field: address, "language": language},
            )
            if confirmed and supporter.confirmed_at is None:
                supporter.confirm_token, supporter.confirmed_at = None, timezone.now()
                supporter.save(update_fields=["confirm_token", "confirmed_at"])
            elif created:
                channel = Channel.EMAIL if field == "email" else Channel.WHATSAPP
                if channels.enabled(channel):
                    outbox.enqueue(
                        f"support-confirm:{supporter.id}",
                        [
                            Recipient(
                                Audience.SUPPORTER,
                                f"supporter:{supporter.id}",
                                channel,
                                Kind.SUPPORT_CONFIRM,
                                language,
                                supporter_id=supporter.id,
                            )
                        ],
                        complaint=complaint,
                    )
        found.append(supporter)
    return found


def supporter_confirm(confirm_token: str) -> Supporter | None:
    """Confirm the supporter whose confirmation link this is; the link works once. None if unknown or used."""
    with transaction.atomic():
        supporter = Supporter.objects.select_for_update().filter(confirm_token=confirm_token).first()
        if supporter is None:
            return None
        supporter.confirm_token = None
        supporter.confirmed_at = timezone.now()
        supporter.save(update_fields=["confirm_token", "confirmed_at"])
    return supporter


def supporters_purge(moment: datetime) -> int:
    """Delete supporters left unconfirmed for PEKA_SUPPORTERS_UNCONFIRMED_DAYS (their queued
    confirmation goes with them); how many."""
    stale = Supporter.objects.unconfirmed_before(moment - timedelta(days=settings.PEKA_SUPPORTERS_UNCONFIRMED_DAYS))
    with transaction.atomic():
        ids = list(stale.values_list("id", flat=True))
        Supporter.objects.filter(id__in=ids).delete()
    return len(ids)
