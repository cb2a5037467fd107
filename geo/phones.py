"""Phone numbers, written once. Every number PEKA stores is E.164 ("+6281234567890"): it is normalised
where it comes in (a complaint's reporter through the web, Open311 and staff filings, a supporter's or
a follower's contact, a staff member's WhatsApp number, the admin; WhatsApp's own numbers are E.164
already) and refused there when it is no number, so the senders use what is stored as it is."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A number written without its country code is Indonesian: "0812 3456 7890" is +62 812 3456 7890.
REGION = "ID"
# What a person typing a number may send (formatting included); the stored E.164 is at most 16.
MAX_TYPED = 32
INVALID_PHONE = _("This is not a valid phone number. Write it with its mobile or area code, e.g. 0812 3456 7890.")


class InvalidPhone(ValueError):
    pass


def e164(number: str, region: str = REGION) -> str:
    """``number`` in E.164; "0812…" and "62812…" are read as +62. InvalidPhone if it is no valid number."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def clean_phone(value: str) -> str:
    """A typed number for a form: blank stays blank, a number becomes E.164, anything else is refused
    (ValidationError with INVALID_PHONE)."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        if len(value) > MAX_TYPED:
            raise InvalidPhone(value)
        return e164(value)
    except InvalidPhone as exc:
        raise ValidationError(INVALID_PHONE, code="phone") from exc
