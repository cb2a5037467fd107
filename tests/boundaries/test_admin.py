"""Jurisdictions in the admin: drawn on a map served from our own origin, saved through the service."""

import re

import pytest
from django.test import Client

from boundaries.models import BoundaryPiece, Jurisdiction
from complaints.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(staff_user):
    user = staff_user("admin.peta", Role.CITY_ADMIN, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_jurisdiction_map_uses_local_openlayers(admin):
    jurisdiction = Jurisdiction.objects.get(code="DLHK-TENGAH")
    page = admin.get(f"/admin/boundaries/jurisdiction/{jurisdiction.pk}/change/").content.decode()
    assert "/static/vendor/ol/ol.js" in page
    assert not re.search(r"(src|href)=\"https?://", page)  # every script and style from our own origin


def test_saving_in_the_admin_remeasures_and_rebuilds_the_routing_pieces(admin):
    jurisdiction = Jurisdiction.objects.get(code="DLHK-TENGAH")
    BoundaryPiece.objects.filter(layer="jurisdiction", area_id=jurisdiction.pk).delete()
    Jurisdiction.objects.filter(pk=jurisdiction.pk).update(area_m2=1)
    response = admin.post(
        f"/admin/boundaries/jurisdiction/{jurisdiction.pk}/change/",
        {
            "code": jurisdiction.code,
            "agency": jurisdiction.agency_id,
            "task_force": jurisdiction.task_force_id,
            "categories": ",".join(jurisdiction.categories),
            "area": jurisdiction.area.transform(3857, clone=True).json,  # as the map widget sends it
            "priority": 3,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    jurisdiction.refresh_from_db()
    assert jurisdiction.priority == 3
    assert jurisdiction.area_m2 == pytest.approx(18.3e6, rel=0.01)  # the five central kecamatan
    assert BoundaryPiece.objects.filter(layer="jurisdiction", area_id=jurisdiction.pk).exists()


def test_a_category_taken_away_in_the_admin_stops_routing_there(admin):
    from django.contrib.gis.geos import Point

    from boundaries.selectors import route

    jurisdiction = Jurisdiction.objects.get(code="DLHK-TENGAH")
    sukajadi = Point(101.44, 0.51, srid=4326)
    assert route(sukajadi, "sampah").jurisdiction.code == "DLHK-TENGAH"
    assert "sampah" in jurisdiction.categories
    kept = [c for c in jurisdiction.categories if c != "sampah"]
    response = admin.post(
        f"/admin/boundaries/jurisdiction/{jurisdiction.pk}/change/",
        {
            "code": jurisdiction.code,
            "agency": jurisdiction.agency_id,
            "task_force": jurisdiction.task_force_id,
            "categories": ",".join(kept),
            "area": jurisdiction.area.transform(3857, clone=True).json,
            "priority": jurisdiction.priority,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pieces = BoundaryPiece.objects.filter(layer="jurisdiction", area_id=jurisdiction.pk)
    assert {tuple(p.categories) for p in pieces} == {tuple(kept)}
    decision = route(sukajadi, "sampah")
    assert decision.jurisdiction is None or decision.jurisdiction.code != "DLHK-TENGAH"
