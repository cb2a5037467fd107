"""Things in the street a complaint can be about: street-light poles, waste collection points.

An asset is keyed on its kind and the id its owner gives it (``ref``), so a re-import updates it.
``owner`` names who maintains it, by code: an external body (PLN) or a city agency; when set, it
decides where a complaint on the asset goes (docs/rules.md, routing rule 3).
"""

from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.language import english


class AssetKind(models.Model):
    """A kind of asset, shown on the citizen's map when its category is chosen."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    category = models.ForeignKey(
        "complaints.Category", on_delete=models.PROTECT, related_name="asset_kinds", verbose_name=_("category")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("asset kind")
        verbose_name_plural = _("asset kinds")

    def __str__(self):
        return self.code

    @property
    def name(self) -> str:
        return self.name_en if english() else self.name_id


class Asset(models.Model):
    kind = models.ForeignKey(AssetKind, on_delete=models.PROTECT, related_name="assets", verbose_name=_("kind"))
    ref = models.CharField(_("asset id"), max_length=80, help_text=_("The owner's id, e.g. the number on the pole."))
    owner = models.CharField(
        _("owner"), max_length=40, blank=True, help_text=_("Code of the body or agency that maintains it, e.g. PLN.")
    )
    location = models.PointField(_("location"), srid=4326)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["kind", "ref"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [models.UniqueConstraint(fields=["kind", "ref"], name="asset_ref_per_kind")]

    def __str__(self):
        return f"{self.kind.code} {self.ref}"
