"""Supporters who leave a contact when they press "Dukung" (opt-in) hear of status changes."""

from django.utils.translation import get_language
from rest_framework import serializers

from complaints.models import Complaint
from geo.rest import PhoneField, StrictSerializer
from notifications.models import Supporter


class SupporterContactSerializer(StrictSerializer):
    """The optional body of a "Dukung": where to hear of status changes. Private, never public."""

    email = serializers.EmailField(required=False, allow_blank=True)
    phone = PhoneField(required=False, allow_blank=True)


def supporter_contact(data) -> dict:
    """The validated contact of a "Dukung" body ({} if none); a bad one raises ValidationError (400)."""
    incoming = SupporterContactSerializer(data=data if isinstance(data, dict) else {})
    incoming.is_valid(raise_exception=True)
    return {k: v for k, v in incoming.validated_data.items() if v}


def supporter_add(complaint: Complaint, contact: dict) -> Supporter | None:
    if not contact:
        return None
    return Supporter.objects.create(complaint=complaint, language=(get_language() or "id")[:2], **contact)
