"""A staff member's notification choices: channels, WhatsApp number, kinds switched off."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import contacts
from notifications.models import Channel, Kind, StaffPreference

STAFF_KINDS = [(k.value, k.label) for k in (Kind.INBOX, Kind.DIGEST, Kind.ESCALATION)]


class PreferenceForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("channel"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    muted = forms.MultipleChoiceField(
        choices=STAFF_KINDS, required=False, widget=forms.CheckboxSelectMultiple, label=_("switched off")
    )

    class Meta:
        model = StaffPreference
        fields = ["channels", "phone", "muted"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return contacts.e164(phone)
        except contacts.InvalidPhone as exc:
            raise forms.ValidationError(_("Enter a phone number of digits, e.g. 0812 3456 7890.")) from exc

    def clean(self):
        data = super().clean()
        if Channel.WHATSAPP in data.get("channels", []) and not data.get("phone"):
            self.add_error("phone", _("WhatsApp needs your number."))
        return data
