"""Whether a closing was done on the spot (docs/rules.md, on-site rule; privacy rule 9).

A move to ``selesai`` may bring two positions: the GPS the after photo's EXIF carried (read by
complaints.photos before the EXIF is stripped) and the device's one position at that moment with its
accuracy. The closing is verified on site when either lies within ``RADIUS_M`` (50 m) of the
complaint's point, widened by the device's reported accuracy but never beyond ``MAX_RADIUS_M``
(100 m); a photo's GPS has no accuracy and gets the plain 50 m. Otherwise the closing is allowed and
marked unverified. Only the outcome, the distance and its source are recorded, never the position.
"""

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from complaints.models import SiteEvidence
from geo.spatial import distance_m

RADIUS_M = 50.0
MAX_RADIUS_M = 100.0


@dataclass(frozen=True)
class DevicePosition:
    """The device's position at the moment of closing (WGS84) and its accuracy in metres."""

    point: Point
    accuracy_m: float = 0.0


@dataclass(frozen=True)
class SiteCheck:
    verified: bool
    distance_m: float | None
    evidence: str  # SiteEvidence, or "" when nothing placed the officer

    def event_fields(self) -> dict:
        """The closing event's fields (ComplaintEvent.verified_on_site and its neighbours)."""
        return {
            "verified_on_site": self.verified,
            "site_distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "site_evidence": self.evidence,
        }


def allowed_radius_m(accuracy_m: float) -> float:
    """50 m plus the reported accuracy, at most 100 m."""
    return min(RADIUS_M + max(accuracy_m, 0.0), MAX_RADIUS_M)


def site_check(location: Point, *, photo_gps: Point | None = None, device: DevicePosition | None = None) -> SiteCheck:
    """The closing's verdict for a complaint at ``location``: the first position that places the
    officer there (the photo, then the device); if none does, the nearest one's distance, unverified."""
    measured = []
    if photo_gps is not None:
        measured.append((distance_m(location, photo_gps), RADIUS_M, SiteEvidence.PHOTO))
    if device is not None:
        measured.append((distance_m(location, device.point), allowed_radius_m(device.accuracy_m), SiteEvidence.DEVICE))
    for distance, radius, evidence in measured:
        if distance <= radius:
            return SiteCheck(True, distance, evidence)
    if not measured:
        return SiteCheck(False, None, "")
    distance, _radius, evidence = min(measured, key=lambda m: m[0])
    return SiteCheck(False, distance, evidence)
