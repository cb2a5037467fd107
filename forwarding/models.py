"""Bodies outside the city government that take some complaints (PLN, PDAM Tirta Siak, the
province, SP4N-LAPOR!), the rules that send complaints to them, and each complaint's forwarding.

A complaint routed to a body gets status ``diteruskan``, is sent by the worker
(notifications.forwarding) and keeps its tracking page; the body's answer is kept as
``external_ref`` (docs/rules.md, routing rule 3 and the forwarding rule).
"""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    EMAIL = "email", _("e-mail")
    OPEN311 = "open311", _("Open311 POST")


class ExternalBody(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    email = models.EmailField(_("e-mail address"), blank=True)
    endpoint = models.URLField(
        _("Open311 endpoint"),
        blank=True,
        help_text=_("The GeoReport v2 base URL; requests go to <endpoint>/requests.json."),
    )
    api_key = models.CharField(_("API key"), max_length=200, blank=True)
    service_code = models.CharField(
        _("service code"),
        max_length=80,
        blank=True,
        help_text=_("The body's service code; empty: the category's code."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("external body")
        verbose_name_plural = _("external bodies")
        constraints = [
            models.CheckConstraint(
                condition=(Q(delivery="email") & ~Q(email="")) | (Q(delivery="open311") & ~Q(endpoint="")),
                name="externalbody_has_address",
            )
        ]

    def __str__(self):
        return self.code


class ExternalRoute(models.Model):
    """When a complaint goes to a body: its asset's owner is ``owner``, or (without an owner) its
    category is one of ``categories`` (empty: any) at a point inside ``area`` (empty: anywhere)."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    body = models.ForeignKey(ExternalBody, on_delete=models.CASCADE, related_name="routes", verbose_name=_("body"))
    owner = models.CharField(_("asset owner"), max_length=40, blank=True)
    categories = ArrayField(models.SlugField(max_length=40), default=list, blank=True, verbose_name=_("category codes"))
    area = models.MultiPolygonField(_("area"), srid=4326, null=True, blank=True)
    priority = models.SmallIntegerField(_("priority"), default=0, help_text=_("Higher wins where rules overlap."))

    class Meta:
        ordering = ["-priority", "code"]
        verbose_name = _("external routing rule")
        verbose_name_plural = _("external routing rules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner="") | Q(categories__len__gt=0) | Q(area__isnull=False),
                name="externalroute_has_condition",
            )
        ]

    def __str__(self):
        return self.code


class ForwardingStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Forwarding(models.Model):
    """One complaint sent to one body. ``reference`` is ours (the body quotes it when it answers an
    e-mail); ``external_ref`` is the body's: its Open311 service_request_id, or what staff recorded
    from its reply."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="forwarding", verbose_name=_("complaint")
    )
    body = models.ForeignKey(ExternalBody, on_delete=models.PROTECT, related_name="forwardings", verbose_name=_("body"))
    reference = models.CharField(_("our reference"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ForwardingStatus.choices, default=ForwardingStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    external_ref = models.CharField(_("body's reference"), max_length=120, blank=True)
    reply = models.TextField(_("body's reply"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")

    def __str__(self):
        return f"{self.reference} → {self.body.code}"
