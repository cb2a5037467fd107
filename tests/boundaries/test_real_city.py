"""Routing on the real Pekanbaru boundaries, checked against shapely on the same files."""

import json

import pytest
from django.contrib.gis.geos import Point
from shapely.geometry import shape

from boundaries.models import Kecamatan, Kelurahan
from boundaries.selectors import Rule, route
from geo.spatial import WGS84

pytestmark = pytest.mark.django_db


def test_city_is_loaded():
    assert Kecamatan.objects.count() == 15
    assert Kelurahan.objects.count() == 83


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (101.4445, 0.4608, "Marpoyan Damai"),  # SSK II airport
        (101.378, 0.477, "Binawidya"),  # Universitas Riau, Panam
        (101.4500, 0.5263, "Pekanbaru Kota"),  # Masjid Raya An-Nur
        # Jl. Bukit Barisan, Tangkerang Timur: 4 mm from Tenayan Raya, inside Kulim by the file's
        # vertices, i.e. on their border within the data's precision: the lower code takes it.
        (101.4862, 0.4917, "Tenayan Raya"),
    ],
)
def test_landmarks_land_in_their_kecamatan(lon, lat, expected):
    decision = route(Point(lon, lat, srid=WGS84))
    assert decision.rule in (Rule.INSIDE, Rule.BORDER)
    assert decision.kecamatan.name == expected
    assert decision.kelurahan.code.startswith(decision.kecamatan.code + ".")


def test_vertex_shared_by_two_real_kecamatan_routes_to_lower_code(city_dir):
    features = json.loads((city_dir / "kecamatan.geojson").read_text())["features"]
    first, second = sorted(features, key=lambda f: f["properties"]["code"])[:2]  # Sukajadi, Pekanbaru Kota
    shared = shape(first["geometry"]).boundary.intersection(shape(second["geometry"]).boundary)
    vertex = next(iter(shared.geoms)).coords[0] if hasattr(shared, "geoms") else shared.coords[0]
    decision = route(Point(*vertex, srid=WGS84))
    assert decision.rule == Rule.BORDER
    assert decision.kecamatan.code == first["properties"]["code"]
