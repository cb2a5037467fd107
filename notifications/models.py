"""What PEKA tells whom. A Delivery is one message to one recipient on one channel, decided in the
transaction of the change that causes it (the outbox) and sent by the worker (notifications.tasks).

Contacts are never copied here: a delivery names its recipient (the reporter of its complaint, a
supporter, a staff user) and the worker reads the contact when it sends.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WEBPUSH = "webpush", _("web push")


class Kind(models.TextChoices):
    """What a message is about; each recipient can switch each kind off."""

    RECEIPT = "receipt", _("receipt of a new complaint")
    STATUS = "status", _("status change")
    NOTE = "note", _("note from the task force")
    REASSIGNED = "reassigned", _("handed to another agency")
    QUESTION = "question", _("“is it fixed?” question")
    INBOX = "inbox", _("new complaint in the inbox")
    DIGEST = "digest", _("inbox digest")
    ESCALATION = "escalation", _("overdue complaint")
    ASSIGNED = "assigned", _("complaint assigned to you")
    ALERT_CONFIRM = "alert-confirm", _("confirmation of an area subscription")
    ALERT = "alert", _("new complaint in a followed area")
    ALERT_DIGEST = "alert-digest", _("daily digest of a followed area")
    SUPPORT_CONFIRM = "support-confirm", _("confirmation of following a complaint")


class Audience(models.TextChoices):
    REPORTER = "reporter", _("reporter")
    SUPPORTER = "supporter", _("supporter")
    STAFF = "staff", _("staff")
    SUBSCRIBER = "subscriber", _("follower of an area")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    # WhatsApp reports these later through its status webhook (whatsapp.statuses).
    DELIVERED = "delivered", _("delivered")
    READ = "read", _("read")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped (switched off or blocked)")


class Delivery(models.Model):
    """One message to one recipient on one channel; unique per (cause, recipient, channel), so a retried
    job or a repeated decision never sends a second copy."""

    # What caused it: "event:<id>" for a complaint event, "escalation:<complaint>:<level>",
    # "question:<complaint>:<resolution>", "digest:<user>:<hour>"; alerts: "alert:<complaint>",
    # "alert-digest:<day>", "alert-confirm:<subscription>".
    cause = models.CharField(max_length=80)
    event = models.ForeignKey(ComplaintEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    # The recipient: "reporter", "supporter:<id>", "user:<id>" or "subscription:<id>" (alerts).
    recipient = models.CharField(_("recipient"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    supporter = models.ForeignKey("Supporter", on_delete=models.CASCADE, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(max_length=8, default="id")
    # Complaints in a digest (their ids); empty for a single message.
    complaint_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The id WhatsApp gave the sent message (``messages[0].id``); its status webhook names it.
    whatsapp_message_id = models.CharField(max_length=128, blank=True, default="", db_default="", db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cause", "recipient", "channel"], name="delivery_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="delivery_status"),
            models.Index(fields=["user", "kind", "-created_at"], name="delivery_user_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.channel})"


class ReporterChoice(models.Model):
    """What the reporter said at filing: updates wanted ("kabari saya") and the language they filed in."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="notify_choice")
    notify = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="id")


class QuestionAnswer(models.Model):
    """The reporter's answer to "sudah beres?" for one resolution of their complaint
    (notifications.question.record); the report card sets it beside the share verified on site."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="question_answers")
    resolved_at = models.DateTimeField()
    fixed = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "resolved_at"], name="question_answered_once")]
        # The report card reads a period's answers by the time of the resolution they are about.
        indexes = [models.Index(fields=["resolved_at"], name="question_answer_resolved")]


def new_confirm_token() -> str:
    return secrets.token_urlsafe(24)


class SupporterQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_before(self, moment):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)


class Supporter(models.Model):
    """A contact following one complaint's status changes: left with a "Dukung" or "Ikuti laporan ini"
    (notifications.supporters). One contact (an e-mail or a number, never both) per row, once per
    complaint (``contact_hash``, notifications.contacts.contact_hash of the normalised address); it
    hears nothing but its confirmation until its owner opens the link (``confirm_token``, emptied once
    used: double opt-in), and is deleted if that does not happen within PEKA_SUPPORTERS_UNCONFIRMED_DAYS."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notify_supporters")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)  # E.164
    contact_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=8, default="id")
    created_at = models.DateTimeField(default=timezone.now)
    confirm_token = models.CharField(max_length=64, null=True, unique=True, default=new_confirm_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "contact_hash"], name="supporter_contact_once"),
            models.CheckConstraint(
                condition=(models.Q(email="") & ~models.Q(phone="")) | (~models.Q(email="") & models.Q(phone="")),
                name="supporter_one_contact",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="supporter_unconfirmed", condition=models.Q(confirmed_at=None))
        ]


class StaffPreference(models.Model):
    """A staff member's channels and the kinds they switched off (their profile)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference")
    channels = ArrayField(models.CharField(max_length=16, choices=Channel.choices), default=list, blank=True)
    phone = models.CharField(_("WhatsApp number"), max_length=20, blank=True)  # E.164
    muted = ArrayField(models.CharField(max_length=16, choices=Kind.choices), default=list, blank=True)


class OptOut(models.Model):
    """A contact switched a kind of message off (the one-click unsubscribe); ``kind`` empty: all of them.
    The contact is kept only as its keyed hash (notifications.contacts.contact_hash)."""

    contact_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_hash", "kind"], name="optout_once")]


class BlockedContact(models.Model):
    """A contact nothing more is sent to: an e-mail that bounced, a number not on WhatsApp (131026)."""

    contact_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)


class PushSubscription(models.Model):
    """A browser's Web Push subscription (the Push API's endpoint and keys) for a complaint's reporter
    ("kabari saya di perangkat ini") or a staff member's inbox. ``owner``: "complaint:<id>" or "user:<id>"."""

    owner = models.CharField(max_length=40, db_index=True)
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
