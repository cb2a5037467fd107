"""Fixtures shared by the complaint tests."""

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from complaints.bulk import NewComplaint, complaints_load
from complaints.models import Category, Complaint, Status
from complaints.tracking import new_tracking_code
from geo.spatial import WGS84


@pytest.fixture
def plant():
    """Store complaints at given (lon, lat) without the HTTP round trip: plant([(lon, lat), ...], category=...)."""

    def make(points, *, category="sampah", status=Status.BARU, strict=True) -> list[Complaint]:
        cat = Category.objects.get(code=category)
        rows = [
            NewComplaint(new_tracking_code(), cat, "Uji peta.", Point(lon, lat, srid=WGS84), timezone.now())
            for lon, lat in points
        ]
        loaded = complaints_load(rows)
        assert loaded.refused == 0 or not strict
        if status != Status.BARU:
            Complaint.objects.filter(pk__in=loaded.created_ids).update(status=status)
        return loaded.complaints()

    return make
