"""Routing rules 1 and 2 on small hand-made polygons, far from the real city (which is loaded too).

lon 101.000        101.010        101.020
     +--------------+--------------+  lat 0.310
     |   99.01.02   |   99.01.01   |
     |   +------+   |              |
     |   | hole |   |              |
     |   +------+   |              |
     +--------------+--------------+  lat 0.300
"""

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from boundaries.importer import AreaRecord
from boundaries.models import Layer
from boundaries.selectors import Rule, route, route_many
from boundaries.services import areas_import
from geo.spatial import WGS84, offset_point

pytestmark = pytest.mark.django_db


def box(x1, y1, x2, y2, hole=None) -> MultiPolygon:
    rings = [((x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1))]
    if hole:
        hx1, hy1, hx2, hy2 = hole
        rings.append(((hx1, hy1), (hx1, hy2), (hx2, hy2), (hx2, hy1), (hx1, hy1)))
    return MultiPolygon(Polygon(*rings), srid=WGS84)


WEST = box(101.000, 0.300, 101.010, 0.310, hole=(101.003, 0.303, 101.007, 0.307))
EAST = box(101.010, 0.300, 101.020, 0.310)


@pytest.fixture
def test_city():
    areas_import(
        [AreaRecord("99.01.02", "Barat", WEST), AreaRecord("99.01.01", "Timur", EAST)],
        layer=Layer.KECAMATAN,
        commit=True,
    )
    areas_import(
        [
            AreaRecord("99.01.02.1001", "Barat Satu", WEST, parent_code="99.01.02"),
            AreaRecord("99.01.01.1001", "Timur Utara", box(101.010, 0.305, 101.020, 0.310), parent_code="99.01.01"),
            AreaRecord("99.01.01.1002", "Timur Selatan", box(101.010, 0.300, 101.020, 0.305), parent_code="99.01.01"),
        ],
        layer=Layer.KELURAHAN,
        commit=True,
    )


def at(lon, lat):
    return route(Point(lon, lat, srid=WGS84))


def test_point_inside_routes_to_covering_kecamatan_and_kelurahan(test_city):
    decision = at(101.001, 0.301)
    assert (decision.kecamatan.code, decision.kelurahan.code) == ("99.01.02", "99.01.02.1001")
    assert decision.rule == Rule.INSIDE
    assert decision.distance_m == 0


def test_point_on_shared_border_routes_to_lower_code(test_city):
    decision = at(101.010, 0.3025)
    assert decision.kecamatan.code == "99.01.01"
    assert decision.rule == Rule.BORDER
    assert decision.candidates == ("99.01.01", "99.01.02")
    assert "99.01.01, 99.01.02" in decision.reason()


def test_kelurahan_border_inside_one_kecamatan_routes_to_lower_code(test_city):
    decision = at(101.015, 0.305)
    assert decision.kecamatan.code == "99.01.01"
    assert decision.kelurahan.code == "99.01.01.1001"


def test_point_in_a_hole_is_outside_the_city(test_city):
    decision = at(101.005, 0.305)
    assert decision.rule == Rule.OUTSIDE
    assert not decision.accepted
    assert decision.kecamatan is None


def test_point_30_m_outside_goes_to_nearest_kecamatan(test_city):
    point = offset_point(Point(101.020, 0.3075, srid=WGS84), east_m=30)
    decision = route(point)
    assert decision.rule == Rule.NEAR_CITY_LIMIT
    assert decision.kecamatan.code == "99.01.01"
    assert decision.kelurahan.code == "99.01.01.1001"
    assert decision.distance_m == pytest.approx(30, abs=0.5)
    assert "30 m" in decision.reason()


def test_point_80_m_outside_is_refused(test_city):
    decision = route(offset_point(Point(101.020, 0.305, srid=WGS84), east_m=80))
    assert decision.rule == Rule.OUTSIDE


def test_point_just_inside_tolerance_at_a_corner(test_city):
    corner = offset_point(Point(101.020, 0.310, srid=WGS84), east_m=30, north_m=30)  # ~42 m diagonally
    assert route(corner).rule == Rule.NEAR_CITY_LIMIT
    far_corner = offset_point(Point(101.020, 0.310, srid=WGS84), east_m=40, north_m=40)  # ~57 m
    assert route(far_corner).rule == Rule.OUTSIDE


def test_route_many_keeps_order_and_matches_single_routes(test_city):
    points = [(101.015, 0.301), (101.005, 0.305), (101.001, 0.309), (101.010, 0.3025)]
    many = route_many(points)
    assert [d.kecamatan.code if d.kecamatan else None for d in many] == ["99.01.01", None, "99.01.02", "99.01.01"]
    assert many == [at(*p) for p in points]


def test_route_many_of_nothing_is_nothing():
    assert route_many([]) == []
