"""Helpers for tests with assets (the ``pole`` fixture is in tests/conftest.py): points metres east of
a point in Sukajadi, and an intake body filed against an asset."""

from django.contrib.gis.geos import Point

from assets.models import Asset
from geo.spatial import WGS84, offset_point

HERE = Point(101.44, 0.51, srid=WGS84)


def east(metres: float, of: Point = HERE) -> Point:
    return offset_point(of, east_m=metres)


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
