"""Administrative areas of the city and the agencies that work them; polygons in WGS84 (EPSG:4326)."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """An official area keyed on its Kemendagri code ("14.71.01")."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Kecamatan(Area):
    class Meta(Area.Meta):
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")


class Kelurahan(Area):
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan")

    class Meta(Area.Meta):
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")


class Agency(models.Model):
    """A city agency (dinas), e.g. DLHK. Its code is how configuration and categories name it."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.code


class AutoAssign(models.TextChoices):
    """How a task force's new complaints reach one officer (complaints.assignment)."""

    OFF = "", _("off: the supervisor assigns, officers take")
    ROUND_ROBIN = "round_robin", _("in turn among the officers on duty")
    AREA = "area", _("the officer whose patrol area covers the point (else in turn)")


class TaskForce(models.Model):
    """A task force (satgas) of one agency, working the complaints routed to it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="task_forces")
    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    auto_assign = models.CharField(
        _("automatic assignment"), max_length=16, choices=AutoAssign.choices, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")

    def __str__(self):
        return self.code


class Jurisdiction(models.Model):
    """Where an agency, or one of its task forces, takes complaints of some categories.

    When several cover a point for a category, the highest ``priority`` wins, then the smallest
    area, then the lowest code (docs/rules.md, routing rule 3). Categories are named by code (the
    Open311 service_code) so that boundaries need not know the complaints app.
    """

    code = models.CharField(_("code"), max_length=60, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="jurisdictions")
    task_force = models.ForeignKey(
        TaskForce, on_delete=models.PROTECT, related_name="jurisdictions", null=True, blank=True
    )
    categories = ArrayField(models.SlugField(max_length=40), verbose_name=_("category codes"))
    area = models.MultiPolygonField(_("area"), srid=4326)
    area_m2 = models.FloatField(_("area (m²)"), editable=False, help_text=_("Measured in UTM 47N."))
    priority = models.SmallIntegerField(
        _("priority"), default=0, help_text=_("Higher wins where jurisdictions overlap.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(condition=models.Q(categories__len__gt=0), name="jurisdiction_has_categories"),
        ]

    def __str__(self):
        return self.code


class Layer(models.TextChoices):
    KECAMATAN = "kecamatan", _("kecamatan")
    KELURAHAN = "kelurahan", _("kelurahan")
    JURISDICTION = "jurisdiction", _("jurisdiction")


class BoundaryPiece(models.Model):
    """A small piece (ST_Subdivide, at most 64 vertices) of one area's boundary.

    Point-in-polygon on a few hundred small pieces is far faster than on a handful of large, detailed
    polygons: the GiST index narrows the candidates to one or two tiny pieces (the way mapit does it).
    Pieces are derived data, rebuilt by ``boundaries.services.pieces_rebuild`` after every import.
    """

    layer = models.CharField(max_length=16, choices=Layer.choices)
    area_id = models.BigIntegerField(
        help_text="Primary key of the Kecamatan, Kelurahan or Jurisdiction this piece belongs to."
    )
    code = models.CharField(max_length=32)
    piece = models.PolygonField(srid=4326)
    # A jurisdiction piece carries its jurisdiction's categories, so that routing tests a point only
    # against the jurisdictions that take its category (a cheap array test before the spatial one).
    # NULL for kecamatan and kelurahan pieces.
    categories = ArrayField(models.CharField(max_length=40), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["layer", "code"])]
