"""Assets for the tests: street-light poles a few metres apart near a point in Sukajadi."""

import pytest
from django.contrib.gis.geos import Point

from assets.models import Asset, AssetKind
from geo.spatial import WGS84, offset_point

HERE = Point(101.44, 0.51, srid=WGS84)


def east(metres: float, of: Point = HERE) -> Point:
    return offset_point(of, east_m=metres)


@pytest.fixture
def pole(db):
    """pole("PJU-1", east_m=0, owner="") → a stored lamp post that many metres east of HERE."""

    def make(ref: str = "PJU-1", *, east_m: float = 0, owner: str = "", kind: str = "lampu-jalan") -> Asset:
        return Asset.objects.create(
            kind=AssetKind.objects.get(code=kind), ref=ref, owner=owner, location=east(east_m)
        )

    return make


def on_asset(asset: Asset, *, pin_east_m: float = 12, **fields) -> dict:
    """An intake body for a complaint against ``asset``, the citizen's pin ``pin_east_m`` metres east of it."""
    pin = east(pin_east_m, asset.location)
    return {
        "category": asset.kind.category.code,
        "description": "Lampu di tiang ini mati.",
        "location": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "asset": asset.id,
        **fields,
    }
