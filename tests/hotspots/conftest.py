import random
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.utils import timezone

from complaints.bulk import NewComplaint, complaints_load
from complaints.models import Category
from complaints.tracking import new_tracking_code
from geo.spatial import WGS84


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # Gi* results are cached by query; each test plants its own data
    yield
    cache.clear()


@pytest.fixture
def plant(db):
    """plant([(lon, lat), ...], category="sampah", days_ago=1): store public complaints at those points."""
    def make(points, *, category="sampah", days_ago=1.0):
        cat = Category.objects.get(code=category)
        at = timezone.now() - timedelta(days=days_ago)
        rows = [
            NewComplaint(new_tracking_code(), cat, "Uji hotspot.", Point(lon, lat, srid=WGS84), at)
            for lon, lat in points
        ]
        created = complaints_load(rows).complaints()  # points drawn outside the city are refused
        return created

    return make


CITY_BOUNDS = (101.3230, 0.4204, 101.6053, 0.6910)


def uniform_points(n, seed, bounds=CITY_BOUNDS):
    """``n`` points uniform over ``bounds`` (by default the city's box: those outside the city are refused)."""
    rng = random.Random(seed)
    x1, y1, x2, y2 = bounds
    return [(rng.uniform(x1, x2), rng.uniform(y1, y2)) for _ in range(n)]
