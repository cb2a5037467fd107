"""2,000 random points inside the city, posted through the API, land where shapely says they do."""

import json

import numpy as np
import pytest
import shapely
from django.conf import settings
from shapely.geometry import shape

from complaints.models import Complaint
from geo.spatial import METRES_PER_DEGREE
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db
N = 2000


def shapely_answer(polygons, codes, point) -> str:
    """Rule 2 computed independently: the lowest code among polygons within the border precision."""
    precision_deg = settings.PEKA_BORDER_PRECISION_M / METRES_PER_DEGREE
    return min(code for code, polygon in zip(codes, polygons, strict=True) if polygon.dwithin(point, precision_deg))


def test_2000_random_points_agree_with_shapely(city_dir, post_complaint):
    city = shape(json.loads((city_dir / "kota_pekanbaru.geojson").read_text())["features"][0]["geometry"])
    features = json.loads((city_dir / "kecamatan.geojson").read_text())["features"]
    codes = [f["properties"]["code"] for f in features]
    polygons = [shape(f["geometry"]) for f in features]
    shapely.prepare(city)

    rng = np.random.default_rng(1471)
    x1, y1, x2, y2 = city.bounds
    points = []
    while len(points) < N:
        candidates = shapely.points(rng.uniform(x1, x2, 4 * N), rng.uniform(y1, y2, 4 * N))
        points.extend(candidates[city.contains(candidates)])
    points = [(round(p.x, 7), round(p.y, 7)) for p in points[:N]]

    before = Complaint.objects.count()
    disagreements = []
    for lon, lat in points:
        response = post_complaint(complaint_body(lon, lat))
        assert response.status_code == 201, response.content
        got = response.json()["properties"]["kecamatan"]["code"]
        expected = shapely_answer(polygons, codes, shapely.Point(lon, lat))
        if got != expected:
            disagreements.append((lon, lat, got, expected))
    assert disagreements == []
    assert Complaint.objects.count() == before + N
