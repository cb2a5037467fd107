"""Administrative areas of the city, stored as MultiPolygons in WGS84 (EPSG:4326)."""
from django.contrib.gis.db import models
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


class Layer(models.TextChoices):
    KECAMATAN = "kecamatan", _("kecamatan")
    KELURAHAN = "kelurahan", _("kelurahan")


class BoundaryPiece(models.Model):
    """A small piece (ST_Subdivide, at most 64 vertices) of one area's boundary.

    Point-in-polygon on a few hundred small pieces is far faster than on a handful of large, detailed
    polygons: the GiST index narrows the candidates to one or two tiny pieces (the way mapit does it).
    Pieces are derived data, rebuilt by ``boundaries.services.pieces_rebuild`` after every import.
    """

    layer = models.CharField(max_length=16, choices=Layer.choices)
    area_id = models.BigIntegerField(help_text="Primary key of the Kecamatan or Kelurahan this piece belongs to.")
    code = models.CharField(max_length=32)
    piece = models.PolygonField(srid=4326)

    class Meta:
        indexes = [models.Index(fields=["layer", "code"])]
