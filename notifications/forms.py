"""A staff member's notification choices: channels, WhatsApp number, kinds switched off."""

from django import forms
from django.utils.translation import gettext_lazy as _

from geo.phones import clean_phone
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
        return clean_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if Channel.WHATSAPP in data.get("channels", []) and not data.get("phone"):
            self.add_error("phone", _("WhatsApp needs your number."))
        return data
