"""The WhatsApp line's state, all in the database: what each number is in the middle of telling us
(Conversation), every message Meta delivered, once (InboundMessage), and every answer we send
(Reply, an outbox like notifications.Delivery).

The phone number is kept only while it is needed: a conversation is deleted when its complaint is
filed, when the person writes "batal", or 30 minutes after their last message (whatsapp.tasks.forget);
an inbound message keeps its content only until it is handled.
"""

from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Complaint
from notifications.models import DeliveryStatus


class Conversation(models.Model):
    """One number's complaint in the making: the location, the description and the category, in any
    order; when all three are there it is filed (whatsapp.conversation)."""

    phone = models.CharField(max_length=20, unique=True)  # E.164
    location = models.PointField(srid=4326, null=True, blank=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The cleaned JPEG of the photo sent (complaints.photos: EXIF already gone), attached at filing.
    photo = models.BinaryField(null=True, blank=True)
    # The person took the confidential path ("laporan rahasia"): nothing they send is repeated back.
    sensitive = models.BooleanField(default=False)
    # A nearby open complaint of the same category offered as "Dukung", and whether they chose to file anyway.
    offered = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file_anyway = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"conversation {self.id}"


class InboundMessage(models.Model):
    """A message Meta delivered to the webhook, stored once per WhatsApp message id: a redelivered
    webhook finds it and changes nothing. The job that handles it (whatsapp.tasks.handle) empties
    ``content``."""

    whatsapp_id = models.CharField(max_length=128, unique=True)
    phone = models.CharField(max_length=20)  # E.164
    kind = models.CharField(max_length=20)  # WhatsApp's message type: text, location, interactive, image…
    content = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.kind} {self.whatsapp_id}"


class Reply(models.Model):
    """One session message to send (text, list or buttons), queued in the transaction that decided it
    and sent by the worker (whatsapp.replies). Unique per cause, so a retried job never sends twice.

    ``complaint``: the reply names its reporter's private link, which is composed when it is sent (the
    reporter key is never stored in clear)."""

    cause = models.CharField(max_length=80, unique=True)  # "inbound:<id>:<n>"
    phone = models.CharField(max_length=20)  # E.164
    content = models.JSONField()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    whatsapp_message_id = models.CharField(max_length=128, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "replies"

    def __str__(self):
        return f"reply {self.cause} ({self.status})"
