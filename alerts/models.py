"""Following a place: a contact's subscription to new public complaints inside one area.

Every place is stored as the polygon it stands for (a kelurahan's or kecamatan's boundary copied at
subscribing, a circle buffered in metres in UTM 47N, a drawn polygon), in WGS84; circles and drawn
areas are matched on it through a GiST index, kelurahan and kecamatan by their code (alerts.selectors).
"""

import secrets

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    KELURAHAN = "kelurahan", _("kelurahan")
    KECAMATAN = "kecamatan", _("kecamatan")
    CIRCLE = "point", _("circle around a point")
    AREA = "area", _("drawn area")


class Frequency(models.TextChoices):
    INSTANT = "instant", _("each new complaint")
    DAILY = "daily", _("one digest a day")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_before(self, moment):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)

    def of_contact(self, contact_hash: str):
        return self.filter(contact_hash=contact_hash)


class Subscription(models.Model):
    """One contact following one place. The contact is private (never in a public answer, a log line
    or a job); ``contact_hash`` (notifications.contacts.contact_hash) counts a contact's subscriptions
    without reading it. ``token`` is the holder's key (show, remove, the unsubscribe link);
    ``confirm_token`` is the confirmation link's, emptied once used (double opt-in)."""

    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)  # E.164, for WhatsApp
    contact_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=8, default="id")

    place_kind = models.CharField(_("place"), max_length=16, choices=PlaceKind.choices)
    # The kelurahan's or kecamatan's code; empty for a circle or a drawn area.
    place_code = models.CharField(max_length=32, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    # Indexed by the partial GiST index below (circles and drawn areas only), not by GeoDjango's own.
    area = models.MultiPolygonField(_("area"), srid=4326, spatial_index=False)
    # Category codes; empty: every public category.
    categories = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.INSTANT)

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirm_token = models.CharField(max_length=64, null=True, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("area subscription")
        verbose_name_plural = _("area subscriptions")
        # Matching (alerts.selectors): circles and drawn areas on their polygon, kelurahan and kecamatan
        # by their code.
        indexes = [
            GistIndex(fields=["area"], name="subscription_area_gist", condition=Q(place_kind__in=["point", "area"])),
            models.Index(
                fields=["place_kind", "place_code"],
                name="subscription_named_place",
                condition=Q(place_kind__in=["kelurahan", "kecamatan"]),
            ),
        ]

    def __str__(self):
        return f"{self.get_place_kind_display()} {self.place_code or ''} ({self.get_frequency_display()})".strip()

    @property
    def owner(self) -> str:
        """How deliveries and Web Push subscriptions name this subscriber."""
        return f"subscription:{self.id}"
