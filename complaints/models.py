"""Complaints and their life. Locations are WGS84 points (EPSG:4326)."""
from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from boundaries.models import Kecamatan, Kelurahan


class Category(models.Model):
    """What is wrong. ``code`` is also the Open311 service_code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    agency_code = models.CharField(_("agency code"), max_length=40)
    sla_working_days = models.PositiveSmallIntegerField(_("SLA (working days)"))
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Never shown on public maps, lists or exports.")
    )
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#546e7a")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class Status(models.TextChoices):
    BARU = "baru", _("new")
    DIVERIFIKASI = "diverifikasi", _("acknowledged")
    DIKERJAKAN = "dikerjakan", _("in progress")
    SELESAI = "selesai", _("resolved")
    DITOLAK = "ditolak", _("rejected")
    DUPLIKAT = "duplikat", _("duplicate")


OPEN_STATUSES = (Status.BARU, Status.DIVERIFIKASI, Status.DIKERJAKAN)


class ComplaintQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: no sensitive category, ever."""
        return self.filter(category__sensitive=False)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_kecamatan(self, code: str):
        return self.filter(kecamatan__code=code)


class RoutingRule(models.TextChoices):
    INSIDE = "inside", _("inside a kecamatan")
    BORDER = "border", _("on a shared border")
    NEAR_CITY_LIMIT = "near_city_limit", _("just outside the city limit")


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints")
    description = models.TextField(_("description"), max_length=4000)
    location = models.PointField(_("location"), srid=4326)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="complaints")
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="complaints", null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BARU)
    # Reporter contact: private. Never serialised by a public endpoint (tests guard this).
    reporter_name = models.CharField(_("reporter name"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=32, blank=True)
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True)
    routing_rule = models.CharField(max_length=24, choices=RoutingRule.choices)
    routing_reason = models.TextField(_("routing reason"))
    # A client's Idempotency-Key: a retried POST with the same key returns the same complaint.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return self.tracking_code


class ComplaintEvent(models.Model):
    """One change in a complaint's life. Append-only: the database refuses UPDATE and DELETE."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
