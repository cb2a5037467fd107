"""Admin → Bodies outside the city: the bodies (delivery and address), their routing rules, and every
forwarding with its status, attempts and last error; failed ones can be sent again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from boundaries.admin import MapAdmin
from forwarding import services
from forwarding.models import ExternalBody, ExternalRoute, Forwarding, ForwardingStatus


@admin.register(ExternalBody)
class ExternalBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "delivery", "email", "endpoint"]


@admin.register(ExternalRoute)
class ExternalRouteAdmin(MapAdmin):
    list_display = ["code", "body", "owner", "categories", "priority"]
    list_filter = ["body"]


@admin.register(Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
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
            services.forwarding_reply(forwarding=obj, external_ref=obj.external_ref, reply=obj.reply)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Send the selected failed forwardings again"))
    def retry(self, request, queryset):
        sent = sum(services.retry(f) for f in queryset.filter(status=ForwardingStatus.FAILED))
        self.message_user(
            request,
            ngettext("%(n)d forwarding queued again.", "%(n)d forwardings queued again.", sent) % {"n": sent},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
