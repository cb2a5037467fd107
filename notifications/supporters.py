"""Supporters who leave a contact when they press "Dukung" (opt-in) hear of status changes."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import Complaint
from geo.rest import StrictSerializer
from notifications.contacts import InvalidPhone, e164
from notifications.models import Supporter


class SupporterContactSerializer(StrictSerializer):
    """The optional body of a "Dukung": where to hear of status changes. Private, never public."""

    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def validate_phone(self, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return e164(value)
        except InvalidPhone as exc:
            raise serializers.ValidationError(_("Enter a phone number of digits, e.g. 0812 3456 7890.")) from exc


def supporter_contact(data) -> dict:
    """The validated contact of a "Dukung" body ({} if none); a bad one raises ValidationError (400)."""
    incoming = SupporterContactSerializer(data=data if isinstance(data, dict) else {})
    incoming.is_valid(raise_exception=True)
    return {k: v for k, v in incoming.validated_data.items() if v}


def supporter_add(complaint: Complaint, contact: dict) -> Supporter | None:
    if not contact:
        return None
    return Supporter.objects.create(complaint=complaint, language=(get_language() or "id")[:2], **contact)
