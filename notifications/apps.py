from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Subscribe to complaints' events (complaints.events), heard inside the change's transaction:
        who hears of an event (the outbox), and a complaint forwarded to a body outside the city."""
        # Imported here: these modules import models, which only load once the app registry is ready.
        from complaints.events import complaint_event, complaints_rerouted
        from notifications import forwarding, outbox

        complaint_event.connect(outbox.announce, dispatch_uid="notifications.outbox.announce")
        complaint_event.connect(forwarding.forwarded, dispatch_uid="notifications.forwarding.forwarded")
        complaints_rerouted.connect(outbox.announce_rerouted, dispatch_uid="notifications.outbox.announce_rerouted")
