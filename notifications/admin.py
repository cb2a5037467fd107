"""Admin → Notifications: every delivery with its recipient masked, channel, status, attempts and last
error; failed ones can be sent again (each once: the delivery's own row guards it). Also every
forwarding to a body outside the city, which this layer sends (notifications.forwarding)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forwarding.models import Forwarding, ForwardingStatus
from forwarding.services import forwarding_reply
from notifications import contacts, outbox
from notifications.forms import PreferenceForm
from notifications.forwarding import forwarding_retry
from notifications.models import Delivery, DeliveryStatus, Kind, StaffPreference


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "complaint", "masked_recipient", "channel", "status", "attempts", "last_error"]
    list_filter = ["status", "channel", "kind", "audience"]
    search_fields = ["complaint__tracking_code"]
    list_select_related = ["complaint", "user", "supporter"]
    actions = ["retry"]
    fields = ["cause", "complaint", "kind", "audience", "masked_recipient", "channel", "language", "status",
              "attempts", "last_error", "created_at", "sent_at", "whatsapp_message_id"]
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def masked_recipient(self, delivery: Delivery) -> str:
        contact = contacts.contact_of(delivery)
        return f"{delivery.get_audience_display()}: {contacts.mask(contact.address) if contact else '—'}"

    @admin.action(description=_("Send the selected failed notifications again"))
    def retry(self, request, queryset):
        sent = sum(outbox.retry(d) for d in queryset.filter(status=DeliveryStatus.FAILED))
        self.message_user(
            request,
            ngettext("%(n)d notification queued again.", "%(n)d notifications queued again.", sent) % {"n": sent},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffPreferenceForm(PreferenceForm):
    muted = forms.MultipleChoiceField(
        choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("switched off")
    )

    class Meta(PreferenceForm.Meta):
        fields = ["user", "channels", "phone", "muted"]


@admin.register(StaffPreference)
class StaffPreferenceAdmin(admin.ModelAdmin):
    """A staff member's channels (e-mail when none is chosen), WhatsApp number and the kinds switched off."""

    form = StaffPreferenceForm
    list_display = ["user", "channels", "muted"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username"]


@admin.register(Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
    """Admin → Bodies outside the city → forwardings (forwarding/admin.py has the bodies and their
    rules): each with its status, attempts and last error; failed ones can be sent again, and the
    body's answer recorded."""

    list_display = ["reference", "complaint", "body", "status", "attempts", "last_error", "external_ref", "created_at"]
    list_filter = ["status", "body"]
    search_fields = ["reference", "complaint__tracking_code", "external_ref"]
    list_select_related = ["complaint", "body"]
    actions = ["retry"]
    readonly_fields = [
        "complaint",
        "body",
        "reference",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "answered_at",
    ]
    fields = [*readonly_fields, "external_ref", "reply"]

    def save_model(self, request, obj, form, change):
        """The body's answer typed in here is recorded as the staff endpoint records it."""
        if {"external_ref", "reply"} & set(form.changed_data) and obj.external_ref.strip():
            forwarding_reply(forwarding=obj, external_ref=obj.external_ref, reply=obj.reply)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Send the selected failed forwardings again"))
    def retry(self, request, queryset):
        sent = sum(forwarding_retry(f) for f in queryset.filter(status=ForwardingStatus.FAILED))
        self.message_user(
            request,
            ngettext("%(n)d forwarding queued again.", "%(n)d forwardings queued again.", sent) % {"n": sent},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
