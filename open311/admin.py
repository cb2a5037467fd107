from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _

from open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at"]
    fields = ["name", "prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        issued, key = ApiKey.issue(obj.name)
        obj.pk = issued.pk
        messages.success(request, _("The new key is %(key)s. It is shown only now: copy it.") % {"key": key})

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
