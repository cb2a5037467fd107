"""Admin → WhatsApp: the line's answers (numbers masked, status as WhatsApp reported it, the message
id); read only. Conversations and incoming messages are not shown: what people wrote is theirs."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications import contacts
from whatsapp.models import Reply


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["created_at", "complaint", "masked_phone", "kind", "status", "attempts", "last_error"]
    list_filter = ["status"]
    search_fields = ["complaint__tracking_code", "whatsapp_message_id"]
    list_select_related = ["complaint"]
    fields = [
        "cause",
        "complaint",
        "masked_phone",
        "kind",
        "status",
        "attempts",
        "last_error",
        "whatsapp_message_id",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def masked_phone(self, reply: Reply) -> str:
        return contacts.mask(reply.phone) if reply.phone else "—"

    @admin.display(description=_("kind"))
    def kind(self, reply: Reply) -> str:
        content = reply.content or {}
        return content.get("interactive", {}).get("type", content.get("type", ""))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
