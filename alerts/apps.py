from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Area alerts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Alerts build on notifications: a subscription's deliveries (recipient "subscription:<id>") go
        where alerts.contacts says and say what alerts.messages composes; a filing (complaints.events)
        queues the job that alerts its place's followers."""
        # Imported here: these modules import models, which only load once the app registry is ready.
        from alerts import contacts, messages, tasks
        from complaints.events import complaint_event
        from notifications import audiences

        audiences.register("subscription", contact=contacts.subscriber_address, message=messages.compose)
        complaint_event.connect(tasks.followers_alert, dispatch_uid="alerts.tasks.followers_alert")
