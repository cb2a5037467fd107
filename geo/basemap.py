"""The basemap every map draws under our data: the tile URL, its attribution, and the referrer policy
its images are requested with (OpenStreetMap's tile usage policy asks for a Referer; the site's own
Referrer-Policy, same-origin, would send none to another origin). Set in geo/settings.py."""

from django.conf import settings
from django.urls import reverse

# The origin (never the path or query) goes with each tile request, as OpenStreetMap asks.
TILE_REFERRER_POLICY = "strict-origin-when-cross-origin"


def basemap() -> dict:
    """What a map script needs: the tiles ("" for none) and our own outlines, which are drawn in any case
    so that the map stays usable where the tiles do not load."""
    return {
        "tile_url": settings.PEKA_TILE_URL,
        "attribution": settings.PEKA_TILE_ATTRIBUTION,
        "referrer_policy": TILE_REFERRER_POLICY,
        "kecamatan_url": reverse("kecamatan-list"),
        "kelurahan_url": reverse("kelurahan-list"),
    }


def context(request) -> dict:
    """Template context processor: ``basemap`` on every page (templates/includes/basemap.html)."""
    return {"basemap": basemap()}
